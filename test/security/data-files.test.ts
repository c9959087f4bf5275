/**
 * Operator data sets, in-process: what listing keeps (regular files inside the root)
 * and leaves out (FIFOs, links out of the root), its bounds, and how reading refuses
 * anything but a capped regular file without blocking or quoting it.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EnvError } from "../../adapters/contract.js";
import { listDataSet, readDataFile } from "../../adapters/kit/data-files.js";
import { OperatorResources, operatorConfigFrom, parseDataFlag, readOperatorConfigFile } from "../../adapters/operator-resources.js";

const tmp = mkdtempSync(join(tmpdir(), "dynamind-data-files-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SECRET = "SECRET-CONTENT-7f3a";
const outside = join(tmp, "outside");
mkdirSync(outside);
writeFileSync(join(outside, "secret.txt"), SECRET);
const root = join(tmp, "root");
mkdirSync(join(root, "sub", "deeper"), { recursive: true });
writeFileSync(join(root, "a.txt"), "a");
writeFileSync(join(root, "sub", "b.txt"), "b");
writeFileSync(join(root, "sub", "deeper", "c.txt"), "c");
symlinkSync(join(root, "a.txt"), join(root, "alias.txt")); // inside: kept
symlinkSync(join(outside, "secret.txt"), join(root, "escape.txt")); // out of the root: left out
symlinkSync(outside, join(root, "escape-dir")); // a directory out of the root: not walked
symlinkSync(root, join(root, "sub", "loop")); // a cycle: walked once
symlinkSync(join(root, "missing"), join(root, "dangling.txt"));
execFileSync("mkfifo", [join(root, "fifo.txt")]);

/** The error `fn` throws. */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected a throw");
}

describe("listing a data set", () => {
  it("keeps regular files inside the root, leaving out FIFOs, links out of it and dangling links", () => {
    const set = listDataSet("d", root);
    expect(set.files.map((f) => f.rel)).toEqual(["a.txt", "alias.txt", "sub/b.txt", "sub/deeper/c.txt"]);
    expect(set.files.every((f) => f.abs.startsWith(root) || f.abs.startsWith(tmp))).toBe(true);
    expect(set.files.find((f) => f.rel === "alias.txt")!.abs).toBe(set.files.find((f) => f.rel === "a.txt")!.abs);
  });

  it("lists a file granted alone as one file", () => {
    expect(listDataSet("one", join(root, "sub", "b.txt")).files.map((f) => f.rel)).toEqual(["b.txt"]);
  });

  it("refuses a root that is missing, a FIFO, or too big or deep, saying so to the operator", () => {
    expect(() => listDataSet("x", join(tmp, "nope"))).toThrow(/data set "x": .*nope does not exist/);
    expect(() => listDataSet("x", join(root, "fifo.txt"))).toThrow(/neither a regular file nor a directory/);
    expect(() => listDataSet("x", root, { maxFiles: 2, maxDepth: 12, maxEntries: 1000 })).toThrow(/more than 2 files/);
    expect(() => listDataSet("x", root, { maxFiles: 100, maxDepth: 1, maxEntries: 1000 })).toThrow(/deeper than 1 levels/);
    expect(() => listDataSet("x", root, { maxFiles: 100, maxDepth: 12, maxEntries: 3 })).toThrow(/more than 3 entries/);
  });
});

describe("reading a data-set file", () => {
  it("reads a listed regular file", () => {
    const [a] = listDataSet("d", root).files;
    expect(readDataFile(a!)).toBe("a");
  });

  it("refuses a file swapped for a FIFO after listing, at once, naming only the set and file", () => {
    const dir = join(tmp, "swap");
    mkdirSync(dir);
    writeFileSync(join(dir, "level.txt"), "x");
    const [file] = listDataSet("swap", dir).files;
    rmSync(join(dir, "level.txt"));
    execFileSync("mkfifo", [join(dir, "level.txt")]);
    // Opening the FIFO would block this thread forever; the test finishing is the proof.
    const err = thrown(() => readDataFile(file!));
    expect(err).toBeInstanceOf(EnvError);
    expect((err as EnvError).reason).toBe("INVALID_ARGUMENT");
    expect(err.message).toBe('data set "swap", file level.txt: is not a regular file');
  });

  it("refuses a file swapped for a link out of the root", () => {
    const dir = join(tmp, "swap-link");
    mkdirSync(dir);
    writeFileSync(join(dir, "level.txt"), "x");
    const [file] = listDataSet("swap-link", dir).files;
    rmSync(join(dir, "level.txt"));
    symlinkSync(join(outside, "secret.txt"), join(dir, "level.txt"));
    const err = thrown(() => readDataFile(file!));
    expect(err.message).toMatch(/^data set "swap-link", file level.txt: cannot be opened \(ELOOP\)$/);
  });

  it("refuses files over the size cap without reading them", () => {
    const [file] = listDataSet("big", join(outside, "secret.txt")).files;
    const err = thrown(() => readDataFile(file!, 4));
    expect(err.message).toBe('data set "big", file secret.txt: is larger than 4 bytes');
    expect(err.message).not.toContain(SECRET);
  });
});

describe("the operator's server config", () => {
  it("validates names and device URLs", () => {
    expect(() => new OperatorResources({ data: { "../x": root } })).toThrow(/invalid server config/);
    expect(() => new OperatorResources({ data: { ["a".repeat(65)]: root } })).toThrow(/invalid server config/);
    expect(() => new OperatorResources({ android: { devices: { p: { appium_url: "file:///etc/passwd", serial: "x" } } } })).toThrow(/invalid server config/);
    expect(() => new OperatorResources({ bogus: 1 } as never)).toThrow(/invalid server config/);
    expect(new OperatorResources({ data: { d: root } }).dataSetNames()).toEqual(["d"]);
    expect(new OperatorResources().dataSetNames()).toEqual([]);
  });

  it("reads a config file with paths relative to it, and --data flags over it", () => {
    const dir = join(tmp, "conf");
    mkdirSync(dir);
    const file = join(dir, "server.json");
    writeFileSync(
      file,
      JSON.stringify({
        data: { d: "../root", e: "../root/a.txt" },
        android: { adb: "tools/adb", pool_state: "pool.json", devices: { "pixel-1": { appium_url: "http://127.0.0.1:4723", serial: "emulator-5554" } } },
      }),
    );
    const c = readOperatorConfigFile(file);
    expect(c.data).toEqual({ d: root, e: join(root, "a.txt") });
    expect(c.android).toMatchObject({ adb: join(dir, "tools", "adb"), pool_state: join(dir, "pool.json") });
    expect(operatorConfigFrom({ serverConfig: file, data: [`e=${outside}`] }).data).toEqual({ d: root, e: outside });
    expect(parseDataFlag("boxoban-medium=/data/b")).toEqual(["boxoban-medium", "/data/b"]);
    for (const bad of ["=x", "../a=/x", "a=", "noequals"]) expect(() => parseDataFlag(bad)).toThrow(/--data expects NAME=PATH/);
    writeFileSync(file, JSON.stringify({ data: { d: 5 } }));
    expect(() => readOperatorConfigFile(file)).toThrow(/invalid server config .*server\.json/);
  });
});
