/**
 * Replay: an untouched recording replays identically; a tampered one is reported at
 * its first divergence (the event, the field, expected and got), and `dynamind replay`
 * exits non-zero on it.
 */
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { formatOutcome, parseRecording, replay, type Recording } from "../../agent/record/index.js";
import { useTestServer } from "../support/server.js";
import { recordingClient, recordingsIn, tempDir } from "./helpers.js";

const run = promisify(execFile);

describe("replay", () => {
  const ctx = useTestServer();
  const dir = tempDir();
  let path = "";
  let lines: string[] = [];

  beforeAll(async () => {
    const client = recordingClient(ctx, dir);
    const s = await client.createSession("sokoban", { config: { preset: "6x6-1box" }, observationKinds: ["text", "image"] });
    await s.reset(21);
    for (const a of ["Up", "Left", "Down", "Right", "Up"]) {
      const r = await s.step(a);
      if (r.terminated) break;
    }
    await s.close();
    client.close();
    path = recordingsIn(dir)[0]!;
    lines = readFileSync(path, "utf8").trimEnd().split("\n");
  });

  /** The recording with event `event` (line event + 2) changed by `edit`. */
  const tampered = (event: number, edit: (e: Record<string, any>) => void): Recording => {
    const copy = [...lines];
    const e = JSON.parse(copy[event + 1]!);
    edit(e);
    copy[event + 1] = JSON.stringify(e);
    return parseRecording(copy.join("\n"));
  };

  it("reports an untouched recording as identical", async () => {
    const outcome = await replay(ctx.client, parseRecording(lines.join("\n")));
    expect(outcome).toMatchObject({ identical: true, events: lines.length - 1 });
    expect(formatOutcome(outcome)).toBe(`identical (${lines.length - 1} events)`);
  });

  it("reports a changed reward at the event where it was changed", async () => {
    const outcome = await replay(ctx.client, tampered(3, (e) => (e.result.reward = 42)));
    expect(outcome).toMatchObject({ identical: false, divergence: { event: 3, field: "reward", expected: "42" } });
    expect(formatOutcome(outcome)).toMatch(/^divergence at event 3 \(step "Down"\): reward: expected 42, got -0\.1$/);
  });

  it("reports a changed action by the first field its result changes, not a later one", async () => {
    const outcome = await replay(ctx.client, tampered(2, (e) => (e.action = "Right")));
    expect(outcome).toMatchObject({ identical: false, divergence: { event: 2, call: 'step "Right"', field: "observation.text" } });
  });

  it("reports a changed observation, an image, a flag and info by their field", async () => {
    const cases: [number, (e: Record<string, any>) => void, string][] = [
      [1, (e) => (e.result.observation.text = e.result.observation.text.replace("P", "_")), "observation.text"],
      [4, (e) => (e.result.observation.image.sha256 = "0".repeat(64)), "observation.image.sha256"],
      [2, (e) => (e.result.terminated = true), "terminated"],
      [0, (e) => (e.result.info.extra = 1), "info.extra"],
      [5, (e) => (e.result.observation.validActions = ["Up"]), "observation.validActions.length"],
    ];
    for (const [event, edit, field] of cases) {
      const outcome = await replay(ctx.client, tampered(event, edit));
      expect(outcome, field).toMatchObject({ identical: false, divergence: { event, field } });
    }
  });

  it("skips the fields it is told to ignore", async () => {
    const outcome = await replay(ctx.client, tampered(4, (e) => (e.result.observation.image.sha256 = "0".repeat(64))), { ignore: ["observation.image"] });
    expect(outcome).toMatchObject({ identical: true });
  });

  it("`dynamind replay` prints identical and exits 0, or the divergence and exits 1", async () => {
    const bad = join(dir, "tampered.jsonl");
    const copy = [...lines];
    const e = JSON.parse(copy[4]!);
    e.result.reward = 42;
    copy[4] = JSON.stringify(e);
    writeFileSync(bad, copy.join("\n") + "\n");
    const cli = (...args: string[]) => run(process.execPath, ["--import", "tsx", "cli/dynamind.ts", "replay", "-a", ctx.server.address, ...args], { encoding: "utf8" });
    const ok = await cli(path);
    expect(ok.stdout).toBe(`${path}: identical (${lines.length - 1} events)\n`);
    const failed = await cli(path, bad).then(
      () => expect.unreachable("a divergence must exit non-zero"),
      (err: { code: number; stdout: string }) => err,
    );
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain(`${bad}: divergence at event 3 (step "Down"): reward: expected 42, got -0.1`);
  });
});
