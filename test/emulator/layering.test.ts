/**
 * Device code sits below the environments: adapters/ may import emulator/, never the
 * reverse. The device contract and the adb runner live in emulator/device/ for that
 * reason; this test keeps anything under emulator/ from reaching back up.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Module specifiers a source file names: static imports and re-exports, side-effect imports, import(), require(). */
export function specifiers(source: string): string[] {
  const out: string[] = [];
  const patterns = [/\bfrom\s*["']([^"']+)["']/g, /\bimport\s*["']([^"']+)["']/g, /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g, /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g];
  for (const re of patterns) for (let m = re.exec(source); m; m = re.exec(source)) out.push(m[1]!);
  return out;
}

/** The specifiers of `file` (absolute) that resolve into `forbidden` (a folder under the root). */
export function upwardImports(file: string, source: string, forbidden: string): string[] {
  const bad = resolve(root, forbidden) + sep;
  return specifiers(source).filter((s) => s.startsWith(".") && resolve(dirname(file), s).startsWith(bad));
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|mts|js|mjs|cjs)$/.test(e.name)) out.push(p);
  }
  return out;
}

describe("layering: emulator/ does not import adapters/", () => {
  it("finds an upward import when there is one (the check is not vacuous)", () => {
    const file = join(root, "emulator/pool/pool.ts");
    expect(upwardImports(file, `import { x } from "../../adapters/android/appium/adb.js";`, "adapters")).toEqual(["../../adapters/android/appium/adb.js"]);
    expect(upwardImports(file, `export type { T } from '../../adapters/contract.js'`, "adapters")).toHaveLength(1);
    expect(upwardImports(file, `const m = await import("../../adapters/index.js");`, "adapters")).toHaveLength(1);
    expect(upwardImports(file, `import "../../adapters/registry.js";`, "adapters")).toHaveLength(1);
    // Siblings, packages and look-alike names are fine.
    expect(upwardImports(file, `import { a } from "../device/adb.js"; import { b } from "node:fs"; import c from "adapters"; import d from "../../adapters-extra/x.js";`, "adapters")).toEqual([]);
  });

  it("no file under emulator/ imports from adapters/", () => {
    const files = sourceFiles(join(root, "emulator"));
    expect(files.map((f) => relative(root, f))).toEqual(expect.arrayContaining(["emulator/device/contract.ts", "emulator/device/adb.ts", "emulator/pool/pool.ts", "emulator/web-device/web-device.ts"]));
    const offenders = files.flatMap((f) => upwardImports(f, readFileSync(f, "utf8"), "adapters").map((s) => `${relative(root, f)}: ${s}`));
    expect(offenders, "emulator/ is device-level code; move what it needs from adapters/ down (see emulator/device/)").toEqual([]);
  });
});
