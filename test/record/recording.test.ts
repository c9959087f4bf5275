/**
 * Recording round trip: an episode played through the recording client is on disk
 * with its header, every call's result, refusals and undos, and its frames as PNG
 * files beside it; replaying it on the same server is identical.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { PNG } from "pngjs";
import { afterAll, describe, expect, it } from "vitest";
import { RECORDING_VERSION, replay, type Recording } from "../../agent/record/index.js";
import { scriptedSolution } from "../../adapters/android/web/solutions.js";
import { androidRegistry, HAVE_CHROMIUM, play } from "../android/helpers.js";
import { useTestServer } from "../support/server.js";
import { load, recordingClient, recordingsIn, tempDir } from "./helpers.js";

function expectFrames(path: string, rec: Recording): number {
  let frames = 0;
  for (const e of rec.events) {
    const image = e.result?.observation.image;
    if (!image) continue;
    frames++;
    expect(image.file).not.toMatch(/^\/|\.\./);
    const png = readFileSync(join(dirname(path), image.file));
    expect(createHash("sha256").update(png).digest("hex")).toBe(image.sha256);
    const decoded = PNG.sync.read(png);
    expect([decoded.width, decoded.height]).toEqual([image.width, image.height]);
  }
  return frames;
}

describe("recording sokoban and alfworld", () => {
  const ctx = useTestServer();
  const dir = tempDir();

  it("a sokoban episode records its header, steps, a refused step, an undo and a PNG per observation", async () => {
    const client = recordingClient(ctx, dir);
    const s = await client.createSession("sokoban", { config: { preset: "6x6-1box" }, observationKinds: ["text", "image"] });
    const first = await s.reset(7);
    const a = await s.step("Up");
    const b = await s.step("Left");
    await expect(s.step("Jump")).rejects.toMatchObject({ reason: "INVALID_ACTION" });
    const saved = await s.clone();
    await s.step("Down");
    const back = await s.restore(saved);
    const last = await s.step(3);
    await s.close();
    client.close();

    const [path] = recordingsIn(dir);
    const rec = load(path!);
    expect(rec.header).toMatchObject({ env: "sokoban", config: { preset: "6x6-1box" }, seed: 7, version: RECORDING_VERSION, observationKinds: ["text", "image"], recorder: "client" });
    expect(rec.events.map((e) => e.type)).toEqual(["reset", "step", "step", "step", "step", "restore", "step"]);
    expect(rec.events.map((e) => (e.type === "step" ? e.action : undefined))).toEqual([undefined, "Up", "Left", "Jump", "Down", undefined, 3]);
    expect(rec.events[3]).toMatchObject({ error: { reason: "INVALID_ACTION" } });
    expect(rec.events[5]).toMatchObject({ type: "restore", to: 2 });
    expect(rec.events[0]!.result!.observation.text).toBe(first.observation.text);
    expect(rec.events[1]!.result).toMatchObject({ reward: a.reward, terminated: a.terminated, truncated: a.truncated, info: a.info, stepIndex: 1 });
    expect(rec.events[5]!.result!.observation.fingerprint).toBe(b.observation.fingerprint);
    expect(back.observation.fingerprint).toBe(b.observation.fingerprint);
    expect(rec.events[6]!.result!.observation.text).toBe(last.observation.text);
    for (const e of rec.events) expect(e.ms).toBeGreaterThanOrEqual(0);
    expect(expectFrames(path!, rec)).toBe(6);

    expect(await replay(ctx.client, rec)).toMatchObject({ identical: true, events: 7 });
  });

  it("an alfworld episode records its text observations and replays identically", async () => {
    const sub = tempDir();
    const client = recordingClient(ctx, sub);
    const s = await client.createSession("alfworld");
    let step = await s.reset(5);
    const actions: string[] = [];
    for (let i = 0; i < 6 && !step.terminated && !step.truncated; i++) {
      const valid = step.observation.validActions;
      const action = valid[(i * 7) % valid.length]!;
      actions.push(action);
      step = await s.step(action);
    }
    await s.close();
    client.close();
    const [path] = recordingsIn(sub);
    const rec = load(path!);
    expect(rec.header).toMatchObject({ env: "alfworld", seed: 5 });
    expect(rec.events.slice(1).map((e) => (e.type === "step" ? e.action : e.type))).toEqual(actions);
    expect(rec.events.at(-1)!.result!.observation.text).toBe(step.observation.text);
    expect(rec.events[0]!.result!.observation.validActions.length).toBeGreaterThan(0);
    expect(expectFrames(path!, rec)).toBe(0);
    expect(await replay(ctx.client, rec)).toMatchObject({ identical: true, events: actions.length + 1 });
  });

  it("a new reset starts a new recording, and a session reset without a seed still records one", async () => {
    const sub = tempDir();
    const client = recordingClient(ctx, sub);
    const s = await client.createSession("sokoban", { config: { preset: "6x6-1box" } });
    await s.reset();
    await s.step("Up");
    await s.reset(9);
    await s.close();
    client.close();
    const recs = recordingsIn(sub).map(load);
    expect(recs).toHaveLength(2);
    const unseeded = recs.find((r) => r.header.seed !== 9)!;
    expect(Number.isSafeInteger(unseeded.header.seed)).toBe(true);
    expect(await replay(ctx.client, unseeded)).toMatchObject({ identical: true, events: 2 });
  });
});

if (!HAVE_CHROMIUM) console.warn("SKIPPED: android-web recording round trip needs Chromium (apt-get install -y chromium)");

describe.skipIf(!HAVE_CHROMIUM)("recording android-web", () => {
  const ctx = useTestServer({ registry: androidRegistry() });
  const dir = tempDir();
  afterAll(() => expect(existsSync(dir)).toBe(true));

  it("records screenshots and UI elements with their bounds, and replays identically", async () => {
    const client = recordingClient(ctx, dir);
    const s = await client.createSession("android-web", { observationKinds: ["text", "ui_elements", "image"] });
    const first = await s.reset(11, { task: "MarkorCreateNote" });
    const steps = scriptedSolution("MarkorCreateNote", first.info.params as never);
    const played = await play(s, first, steps.slice(0, 2));
    await s.close();
    client.close();
    const [path] = recordingsIn(dir);
    const rec = load(path!);
    expect(rec.header).toMatchObject({ env: "android-web", seed: 11, options: { task: "MarkorCreateNote" } });
    expect(rec.events).toHaveLength(3);
    expect(rec.events[2]!.result!.observation.uiElements).toEqual(played.at(-1)!.observation.uiElements);
    expect(rec.events[0]!.result!.observation.uiElements.some((u) => u.bboxPixels && u.bboxPixels.xMax > u.bboxPixels.xMin)).toBe(true);
    expect(expectFrames(path!, rec)).toBe(3);
    const outcome = await replay(ctx.client, rec);
    // A failure names where the replay diverged (toMatchObject alone hides it).
    expect("divergence" in outcome ? outcome.divergence : undefined).toBeUndefined();
    expect(outcome).toMatchObject({ identical: true, events: 3 });
  });
});
