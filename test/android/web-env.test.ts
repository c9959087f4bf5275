/**
 * android-web over gRPC: bad actions are refused with clear errors and change
 * nothing; clone/restore and portable states reproduce the device; task selection.
 */
import { describe, expect, it } from "vitest";
import { scriptedSolution } from "../../adapters/android/web/solutions.js";
import { rejection, useTestServer } from "../support/server.js";
import { androidRegistry, HAVE_CHROMIUM, play } from "./helpers.js";

describe.skipIf(!HAVE_CHROMIUM)("android-web environment", () => {
  const ctx = useTestServer({ registry: androidRegistry() });

  it("refuses bad actions with clear errors, without changing the device", async () => {
    const s = await ctx.client.createSession("android-web", { observationKinds: ["text", "ui_elements", "image"] });
    const first = await s.reset(3, { task: "ContactsAddContact" });
    const n = first.observation.uiElements.length;
    const bad: [Record<string, unknown> | string, RegExp][] = [
      [{ action_type: "fly" }, /unknown action_type "fly"/],
      [{ action_type: "click", index: n }, /out of range/],
      [{ action_type: "click", index: 999 }, /out of range/],
      [{ action_type: "input_text", index: 0 }, /invalid input_text action/],
      [{ action_type: "click", index: "first" }, /invalid click action/],
      [{ action_type: "click" }, /needs an index or x,y/],
      [{ action_type: "click", index: 1, x: 3, y: 4 }, /either index or x,y/],
      [{ action_type: "click", x: 5000, y: 10 }, /off the 1080×2400 screen/],
      [{ action_type: "scroll", direction: "sideways" }, /invalid scroll action/],
      [{ action_type: "open_app", app_name: "Chrome" }, /no app named "Chrome"/],
      ["not json", /not valid JSON/],
    ];
    for (const [a, msg] of bad) {
      const err = await rejection(s.step(a));
      expect(err.reason, JSON.stringify(a)).toBe("INVALID_ACTION");
      expect(err.message).toMatch(msg);
    }
    const now = await s.restore(await s.clone());
    expect(now.stepIndex).toBe(0);
    expect(now.observation.fingerprint).toBe(first.observation.fingerprint);
    expect(Buffer.from(now.observation.image!.data).equals(Buffer.from(first.observation.image!.data))).toBe(true);
    expect(now.observation.uiElements).toEqual(first.observation.uiElements);
    await s.close();
  });

  it("restores a cloned device exactly, in the same session and as portable bytes in another", async () => {
    const a = await ctx.client.createSession("android-web", { observationKinds: ["text", "ui_elements", "image"] });
    const first = await a.reset(11, { task: "MarkorCreateNote" });
    const steps = scriptedSolution("MarkorCreateNote", first.info.params as never);
    const mid = (await play(a, first, steps.slice(0, 3))).at(-1)!;
    const saved = await a.clone(true);
    const rest = await play(a, mid, steps.slice(3));
    expect(rest.at(-1)!.reward).toBe(1);
    const back = await a.restore(saved);
    expect(back.observation.fingerprint).toBe(mid.observation.fingerprint);
    expect(back.observation.text).toBe(mid.observation.text);
    expect(Buffer.from(back.observation.image!.data).equals(Buffer.from(mid.observation.image!.data))).toBe(true);
    const b = await ctx.client.createSession("android-web");
    const there = await b.restore(saved.portable!);
    expect(there.observation.fingerprint).toBe(mid.observation.fingerprint);
    const again = await play(b, there, steps.slice(3));
    expect(again.at(-1)!.reward).toBe(1);
    await Promise.all([a.close(), b.close()]);
  });

  it("picks tasks from reset options, the config, or the seed; unknown tasks are refused", async () => {
    const fixed = await ctx.client.createSession("android-web", { config: { task: "SystemWifiTurnOn" } });
    expect(fixed.spec.maxSteps).toBe(10);
    expect((await fixed.reset(1)).info.task).toBe("SystemWifiTurnOn");
    expect((await fixed.reset(1, { task: "ClockTimerEntry" })).info.task).toBe("ClockTimerEntry");
    const err = await rejection(fixed.reset(1, { task: "NoSuchTask" }));
    expect(err.reason).toBe("INVALID_ARGUMENT");
    expect(err.message).toMatch(/SystemWifiTurnOn/);
    const cfgErr = await rejection(ctx.client.createSession("android-web", { config: { task: "Nope" } }));
    expect(cfgErr.reason).toBe("INVALID_ARGUMENT");
    const any = await ctx.client.createSession("android-web");
    const names = new Set<unknown>();
    for (let seed = 0; seed < 6; seed++) names.add((await any.reset(seed)).info.task);
    expect(names.size).toBeGreaterThan(1);
    const listed = (await ctx.client.listEnvs()).find((e) => e.id === "android-web")!;
    expect(listed.tasks.map((t) => t.name)).toContain("ContactsAddContact");
    await Promise.all([fixed.close(), any.close()]);
  });

  it("serves screenshots to several sessions at once on one server", async () => {
    // Four devices share one headless Chromium. A device in a background tab never got a
    // frame, so its screenshot waited forever; every device now has its own window.
    const within = <T,>(p: Promise<T>, what: string): Promise<T> =>
      Promise.race([p, new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`${what}: no reply in 20 s (hung screenshot)`)), 20_000))]);
    const kinds = { observationKinds: ["text", "ui_elements", "image"] as const };
    const sessions = await Promise.all([0, 1, 2, 3].map(() => ctx.client.createSession("android-web", { observationKinds: [...kinds.observationKinds] })));
    const firsts = await within(Promise.all(sessions.map((s, i) => s.reset(i, { task: "SystemWifiTurnOn" }))), "concurrent reset");
    for (const f of firsts) expect(f.observation.image!.data.length).toBeGreaterThan(1000);
    for (let round = 0; round < 2; round++) {
      const steps = await within(Promise.all(sessions.map((s) => s.step({ action_type: "open_app", app_name: round === 0 ? "Settings" : "Clock" }))), `concurrent step ${round}`);
      for (const st of steps) expect(st.observation.image!.data.length).toBeGreaterThan(1000);
      // Same action on the same start: every session shows the same screen.
      expect(new Set(steps.map((st) => Buffer.from(st.observation.image!.data).toString("base64"))).size).toBe(1);
    }
    const saved = await Promise.all(sessions.map((s) => s.clone()));
    const back = await within(Promise.all(sessions.map((s, i) => s.restore(saved[i]!))), "concurrent restore");
    for (const b of back) expect(b.observation.image!.data.length).toBeGreaterThan(1000);
    await Promise.all(sessions.map((s) => s.close()));
  });

  it("counts success only at the agent's status action, and scores infeasible as AndroidWorld does (by the task's check)", async () => {
    const s = await ctx.client.createSession("android-web");
    const first = await s.reset(2, { task: "SystemWifiTurnOn" });
    const steps = scriptedSolution("SystemWifiTurnOn", first.info.params as never);
    const out = await play(s, first, steps.slice(0, -1));
    expect(out.every((x) => x.reward === 0 && !x.terminated)).toBe(true);
    const infeasible = await s.step({ action_type: "status", goal_status: "infeasible" });
    expect(infeasible.terminated).toBe(true);
    // The wifi is on: AndroidWorld scores the device, not the agent's claim.
    expect(infeasible.reward).toBe(1);
    expect(infeasible.info).toMatchObject({ success: true, goal_status: "infeasible" });
    await s.close();
  });
});
