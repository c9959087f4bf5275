/** Test doubles for the Appium backend: a recording WebDriver and a scripted adb. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { AdbResult, AdbRunner } from "../../../emulator/device/adb.js";
import type { AppiumDriver } from "../../../adapters/android/appium/device.js";

export function fixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(`fixtures/${name}.xml`, import.meta.url)), "utf8");
}

/** A 1080x2400 PNG header (enough for pngSize). */
export const TINY_PNG = (() => {
  const b = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0);
  b.writeUInt32BE(13, 8);
  b.write("IHDR", 12, "ascii");
  b.writeUInt32BE(1080, 16);
  b.writeUInt32BE(2400, 20);
  return b;
})();

export interface Call {
  method: string;
  args: unknown[];
}

/** A WebDriver that serves page sources from a queue (the last one repeats) and records every call. */
export class FakeDriver implements AppiumDriver {
  calls: Call[] = [];
  sources: string[];
  /** Errors thrown by the next calls of a method, in order. */
  failures = new Map<string, Error[]>();
  deleted = false;

  constructor(...sources: string[]) {
    this.sources = sources;
  }

  private record(method: string, ...args: unknown[]): void {
    const queued = this.failures.get(method);
    const err = queued?.shift();
    if (err) throw err;
    this.calls.push({ method, args });
  }

  /** Calls that change the device (everything but reads). */
  inputs(): Call[] {
    return this.calls.filter((c) => !["getPageSource", "takeScreenshot", "getWindowRect"].includes(c.method));
  }

  async performActions(actions: object[]) {
    this.record("performActions", actions);
  }
  async releaseActions() {
    this.record("releaseActions");
  }
  async executeScript(script: string, args: unknown[]) {
    this.record("executeScript", script, ...args);
    return "";
  }
  async getPageSource() {
    this.record("getPageSource");
    return this.sources.length > 1 ? this.sources.shift()! : this.sources[0]!;
  }
  async takeScreenshot() {
    this.record("takeScreenshot");
    return TINY_PNG.toString("base64");
  }
  async findElement(using: string, value: string) {
    this.record("findElement", using, value);
    return { "element-6066-11e4-a52e-4f735466cecf": "el-1" };
  }
  async elementClear(id: string) {
    this.record("elementClear", id);
  }
  async getWindowRect() {
    this.record("getWindowRect");
    return { width: 1080, height: 2400 };
  }
  async deleteSession() {
    this.deleted = true;
  }
}

/** An adb runner answering from a handler on the joined command line; records every call. */
export function scriptedAdb(handler: (cmd: string) => string | AdbResult | undefined): { run: AdbRunner; calls: string[] } {
  const calls: string[] = [];
  const run: AdbRunner = async (args) => {
    const cmd = args.join(" ");
    calls.push(cmd);
    const r = handler(cmd);
    if (r === undefined) return { stdout: "", stderr: "", code: 0 };
    return typeof r === "string" ? { stdout: r, stderr: "", code: 0 } : r;
  };
  return { run, calls };
}
