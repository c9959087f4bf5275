/**
 * @dynamind/client (packages/client) stays light: it depends on @grpc/grpc-js and @bufbuild/protobuf
 * only, and everything agent/client/index.ts imports, followed through every file, is in what the
 * package compiles (agent/client/, gen/ts/) or is one of those two packages or a Node built-in.
 */
import { existsSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const pkg = JSON.parse(readFileSync("packages/client/package.json", "utf8")) as { dependencies: Record<string, string>; exports: Record<string, unknown> };
const ALLOWED = Object.keys(pkg.dependencies);

/** Every file reached from `entry` by static imports, and every bare specifier they name. */
function closure(entry: string): { files: Set<string>; bare: Set<string> } {
  const files = new Set<string>();
  const bare = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"|import\("([^"]+)"\)/g)) {
      const spec = (m[1] ?? m[2])!;
      if (spec.startsWith(".")) {
        const target = resolve(dirname(file), spec.replace(/\.js$/, ".ts"));
        expect(existsSync(target), `${relative(".", file)} imports ${spec}`).toBe(true);
        visit(target);
      } else bare.add(spec);
    }
  };
  visit(resolve(entry));
  return { files, bare };
}

describe("@dynamind/client", () => {
  it("depends on @grpc/grpc-js and @bufbuild/protobuf only, at the versions the project uses", () => {
    expect(ALLOWED.sort()).toEqual(["@bufbuild/protobuf", "@grpc/grpc-js"]);
    const root = JSON.parse(readFileSync("package.json", "utf8")) as { dependencies: Record<string, string>; workspaces: string[] };
    for (const dep of ALLOWED) expect(pkg.dependencies[dep]).toBe(root.dependencies[dep]);
    expect(root.workspaces).toContain("packages/client");
  });

  it("imports nothing beyond them and Node's built-ins, and compiles every file it reaches", () => {
    const { files, bare } = closure("agent/client/index.ts");
    const foreign = [...bare].filter((s) => !builtinModules.includes(s.replace(/^node:/, "")) && !ALLOWED.some((d) => s === d || s.startsWith(`${d}/`)));
    expect(foreign).toEqual([]);
    for (const f of files) expect(relative(".", f), "outside what packages/client/tsconfig.json compiles").toMatch(/^(agent\/client|gen\/ts)\//);
  });

  it("exports the index its build writes (agent/client/ and gen/ts/ compiled into dist/ with their layout)", () => {
    const tsconfig = readFileSync("packages/client/tsconfig.json", "utf8");
    expect(tsconfig).toContain('"include": ["../../agent/client", "../../gen/ts"]');
    expect(tsconfig).toContain('"rootDir": "../.."');
    expect(pkg.exports["."]).toEqual({ types: "./dist/agent/client/index.d.ts", default: "./dist/agent/client/index.js" });
    expect((JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts.build).toContain("packages/client/tsconfig.json");
  });
});
