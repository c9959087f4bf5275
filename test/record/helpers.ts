/** Shared by the recording tests: a recording client on a test server, and reading what it wrote. */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseRecording, RecordingEnvClient, type Recording } from "../../agent/record/index.js";
import type { TestServer } from "../support/server.js";

export function tempDir(prefix = "dynamind-rec-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function recordingClient(ctx: TestServer, dir: string): RecordingEnvClient {
  return new RecordingEnvClient({ addresses: ctx.server.address }, { dir });
}

export function recordingsIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".jsonl"))
    .sort()
    .map((f) => join(dir, f));
}

export function load(path: string): Recording {
  return parseRecording(readFileSync(path, "utf8"), path);
}
