/**
 * android-web takes actions and gives observations as AndroidWorld does: numeric-string
 * indices and float coordinates, `unknown` and empty `input_text` as steps that do nothing,
 * scroll's ignored x,y, screenshots in the element boxes' pixel space by default (a smaller
 * one is opt-in and its scale is in the spec), and the normalised bbox beside bbox_pixels.
 */
import { describe, expect, it } from "vitest";
import type { RemoteSession, Step } from "../../agent/client/index.js";
import { useTestServer } from "../support/server.js";
import { androidRegistry, HAVE_CHROMIUM } from "./helpers.js";

/** The observation after `action` from a saved state (restored first, so both runs start alike). */
async function after(s: RemoteSession, saved: Awaited<ReturnType<RemoteSession["clone"]>>, action: Record<string, unknown>): Promise<Step> {
  await s.restore(saved);
  return s.step(action);
}

describe.skipIf(!HAVE_CHROMIUM)("android-web takes AndroidWorld's actions as AndroidWorld does", () => {
  const ctx = useTestServer({ registry: androidRegistry() });

  it("screenshots share the element boxes' pixel space by default; 1/3 scale is opt-in and said in the spec", async () => {
    const full = await ctx.client.createSession("android-web", { observationKinds: ["image", "ui_elements"] });
    const img = (await full.reset(0, { task: "SystemWifiTurnOn" })).observation.image!;
    expect([img.width, img.height]).toEqual([1080, 2400]);
    expect(full.spec.description).toMatch(/Screenshots are 1080×2400, the element boxes' pixel space/);
    const third = await ctx.client.createSession("android-web", { config: { screenshot: "third" }, observationKinds: ["image"] });
    const small = (await third.reset(0, { task: "SystemWifiTurnOn" })).observation.image!;
    expect([small.width, small.height]).toEqual([360, 800]);
    expect(third.spec.description).toMatch(/360×800, scale 1\/3/);
    await Promise.all([full.close(), third.close()]);
  });

  it("gives each element AndroidWorld's normalised bbox and its tree depth in metadata", async () => {
    const s = await ctx.client.createSession("android-web", { observationKinds: ["ui_elements"] });
    const els = (await s.reset(0, { task: "SystemWifiTurnOn" })).observation.uiElements;
    expect(els.length).toBeGreaterThan(3);
    for (const e of els) {
      const p = e.bboxPixels!;
      expect(e.bbox).toEqual({ xMin: p.xMin / 1080, xMax: p.xMax / 1080, yMin: p.yMin / 2400, yMax: p.yMax / 2400 });
      expect(e.metadata.depth).toMatch(/^\d+$/);
    }
    await s.close();
  });

  it("takes index as a numeric string and truncates float coordinates", async () => {
    const s = await ctx.client.createSession("android-web", { observationKinds: ["ui_elements"] });
    const first = await s.reset(0, { task: "SystemWifiTurnOn" });
    const i = first.observation.uiElements.findIndex((e) => e.isClickable);
    expect(i).toBeGreaterThanOrEqual(0);
    const saved = await s.clone();
    const byInt = await after(s, saved, { action_type: "click", index: i });
    const byString = await after(s, saved, { action_type: "click", index: String(i) });
    expect(byString.observation.fingerprint).toBe(byInt.observation.fingerprint);
    const p = first.observation.uiElements[i]!.bboxPixels!;
    const x = Math.trunc((p.xMin + p.xMax) / 2);
    const y = Math.trunc((p.yMin + p.yMax) / 2);
    const byFloat = await after(s, saved, { action_type: "click", x: x + 0.9, y: y + 0.4 });
    expect(byFloat.observation.fingerprint).toBe(byInt.observation.fingerprint);
    await s.close();
  });

  it("treats unknown and an empty input_text as steps that change nothing on screen", async () => {
    const s = await ctx.client.createSession("android-web", { observationKinds: ["ui_elements"] });
    const first = await s.reset(0, { task: "ContactsAddContact" });
    const field = first.observation.uiElements.findIndex((e) => e.isClickable);
    for (const action of [{ action_type: "unknown" }, { action_type: "unknown", text: "hmm", index: "1" }, { action_type: "input_text", text: "", index: field }]) {
      const st = await s.step(action);
      expect(st.reward, JSON.stringify(action)).toBe(0);
      expect(st.terminated).toBe(false);
      expect(st.observation.uiElements).toEqual(first.observation.uiElements);
    }
    await s.close();
  });

  it("scroll ignores x,y and index 0 means the whole screen; swipe ignores index and x,y", async () => {
    const s = await ctx.client.createSession("android-web", { observationKinds: ["ui_elements"] });
    await s.reset(0, { task: "SystemWifiTurnOn" });
    const saved = await s.clone();
    const plain = await after(s, saved, { action_type: "scroll", direction: "down" });
    expect((await after(s, saved, { action_type: "scroll", direction: "down", x: 10, y: 10 })).observation.fingerprint).toBe(plain.observation.fingerprint);
    expect((await after(s, saved, { action_type: "scroll", direction: "down", index: 0 })).observation.fingerprint).toBe(plain.observation.fingerprint);
    const swipe = await after(s, saved, { action_type: "swipe", direction: "up" });
    expect((await after(s, saved, { action_type: "swipe", direction: "up", index: 1 })).observation.fingerprint).toBe(swipe.observation.fingerprint);
    await s.close();
  });
});
