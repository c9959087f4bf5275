import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AdbSpawnError, spawnAdbRunner } from "../../emulator/device/adb.js";
import { Adb } from "../../adapters/android/appium/adb.js";
import { EnvError } from "../../adapters/contract.js";

/** A stand-in adb: prints its arguments and the adb server port it was given, then runs `tail`. */
function fakeAdb(tail = ""): string {
  const dir = mkdtempSync(join(tmpdir(), "dm-adb-"));
  const bin = join(dir, "adb");
  writeFileSync(bin, `#!/bin/sh\necho "args=$*"\necho "server=\${ANDROID_ADB_SERVER_PORT:-unset}"\n${tail}\n`);
  chmodSync(bin, 0o755);
  return bin;
}

describe("the adb runner (emulator/device/adb.ts)", () => {
  it("names its own adb server: -P and ANDROID_ADB_SERVER_PORT", async () => {
    const r = await spawnAdbRunner({ adbPath: fakeAdb(), serverPort: 15038 })(["-s", "emulator-5556", "get-state"]);
    expect(r).toEqual({ stdout: "args=-P 15038 -s emulator-5556 get-state\nserver=15038\n", stderr: "", code: 0 });
    const plain = await spawnAdbRunner({ adbPath: fakeAdb() })(["devices"]);
    expect(plain.stdout).toMatch(/^args=devices\n/);
  });

  it("reports the exit status and stderr, and kills a command past its timeout", async () => {
    expect(await spawnAdbRunner({ adbPath: fakeAdb("echo 'device offline' >&2; exit 3") })(["x"])).toMatchObject({ code: 3, stderr: "device offline\n" });
    // The command would run 30 s; the 300 ms timeout ends it (killed: code -1, said in stderr).
    const slow = await spawnAdbRunner({ adbPath: fakeAdb("exec sleep 30") })(["shell", "true"], { timeoutMs: 300 });
    expect(slow.code).toBe(-1);
    expect(slow.stderr).toMatch(/adb shell true timed out after 300 ms/);
  });

  it("a missing binary is an AdbSpawnError saying how to install adb, which Adb turns into the operator's INVALID_ARGUMENT", async () => {
    const run = spawnAdbRunner({ adbPath: "/nonexistent/dynamind-test/adb" });
    const err = await run(["devices"]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdbSpawnError);
    expect(err).toMatchObject({ missing: true, message: expect.stringMatching(/adb not found .*apt-get install adb/) });
    const envErr = await new Adb(run, "emulator-5554").shell("true").catch((e: unknown) => e);
    expect(envErr).toBeInstanceOf(EnvError);
    expect(envErr).toMatchObject({ reason: "INVALID_ARGUMENT", retryable: false });
    // Other start failures are retryable INTERNAL errors.
    const failing = new Adb(async () => Promise.reject(new AdbSpawnError(false, "adb could not start: EAGAIN")), "emulator-5554");
    await expect(failing.shell("true")).rejects.toMatchObject({ reason: "INTERNAL", retryable: true });
  });
});
