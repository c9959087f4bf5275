import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { listDataSet } from "../../adapters/kit/data-files.js";
import { OperatorResources } from "../../adapters/operator-resources.js";
import { loadBoxobanDataSet, parseBoxoban } from "../../adapters/sokoban/boxoban.js";
import { levelLibrary, parseSokobanConfig } from "../../adapters/sokoban/config.js";
import { SokobanEnv } from "../../adapters/sokoban/env.js";
import { makeRoom } from "../../adapters/sokoban/room.js";
import { solveRoom } from "../../adapters/sokoban/solver.js";
import { ALL, idx } from "./helpers.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const REFERENCE = resolve(repoRoot, "../shared/reference/sokoban/boxoban-medium-valid-000.txt");
const hasReference = existsSync(REFERENCE);
if (!hasReference) console.warn(`skipping Boxoban reference tests: ${REFERENCE} is absent`);

const tmp = mkdtempSync(join(tmpdir(), "sokoban-boxoban-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const LEVEL = ["##########", "#  @ $ . #", "#        #", "##########"];
/** Levels of a file or directory granted as data set "test". */
const loadBoxoban = (path: string) => loadBoxobanDataSet(listDataSet("test", path));
function write(name: string, lines: string[]): string {
  const path = join(tmp, name);
  writeFileSync(path, lines.join("\n") + "\n");
  return path;
}

describe.skipIf(!hasReference)("boxoban reference file", () => {
  it("loads 1000 10x10 levels with 4 boxes each", () => {
    const levels = loadBoxoban(REFERENCE);
    expect(levels).toHaveLength(1000);
    for (const l of levels) {
      expect([l.width, l.height]).toEqual([10, 10]);
      expect(l.grid.filter((c) => c & 4).length).toBe(4);
    }
    expect(levels[0]!.name).toBe("boxoban-medium-valid-000.txt#0");
  });

  it("plays a level selected by seed or option, and the solver solves it", () => {
    const library = levelLibrary(new OperatorResources({ data: { "boxoban-medium": REFERENCE } }));
    expect(library.names).toEqual(["boxoban-medium"]);
    const env = new SokobanEnv(parseSokobanConfig({ levels: "boxoban-medium" }, library));
    const info = env.reset(1000, {});
    expect(info.level).toBe(0);
    // Level 0 is lines 2-11 of the file; the text observation maps Boxoban symbols to RAGEN ones.
    const raw = readFileSync(REFERENCE, "utf8").split("\n").slice(1, 11);
    const ragen = { "#": "#", " ": "_", ".": "O", $: "X", "@": "P" } as Record<string, string>;
    expect(env.observe(ALL).text).toBe(raw.map((r) => [...r].map((c) => ragen[c]).join("")).join("\n"));
    expect(typeof info.optimal_solution_length).toBe("number");
    const plan = env.solve()!;
    expect(plan.length).toBe(info.optimal_solution_length);
    const last = plan.map((a) => env.step(idx(a))).at(-1)!;
    expect(last).toMatchObject({ terminated: true });
    expect(env.reset(5, { level: 7 }).level).toBe(7);
    expect(() => env.reset(5, { level: 1000 })).toThrow(/level 1000 out of range 0..999/);
  });

  it("solves the first 20 levels within the default budget", () => {
    const levels = loadBoxoban(REFERENCE).slice(0, 20);
    for (const l of levels) {
      expect(solveRoom(makeRoom(l.width, l.height, l.grid.slice(), l.player), { nodeBudget: 1_000_000 }).status).toBe("solved");
    }
  });
});

describe("boxoban loader", () => {
  it("parses files and directories, accepting * and +", () => {
    const dir = join(tmp, "dir");
    mkdirSync(dir);
    writeFileSync(join(dir, "b.txt"), ["; 0", ...LEVEL, ""].join("\n"));
    writeFileSync(join(dir, "a.txt"), ["; 0", "#####", "#+$ #", "#  *#", "#####", "", "; 1", "#####", "#@$.#", "#   #", "#####"].join("\n"));
    writeFileSync(join(dir, "ignored.md"), "not a level");
    expect(() => loadBoxoban(dir)).toThrow(/one session needs one room size/);
    rmSync(join(dir, "b.txt"));
    const levels = loadBoxoban(dir);
    expect(levels.map((l) => l.name)).toEqual(["a.txt#0", "a.txt#1"]);
    expect(levels[1]!.player).toBe(6);
  });

  const corrupt: Array<[string, string[], RegExp]> = [
    ["bad char", ["; 0", "##########", "#  @ $ x #", "##########"], /line 3: unexpected character at column 8/],
    ["ragged", ["; 0", "##########", "#  @ $ . #", "#########"], /line 4: row has 9 characters, expected 10/],
    ["no player", ["; 0", "##########", "#    $ . #", "##########"], /line 1: level "0" has no player/],
    ["two players", ["; 0", "##########", "#  @ $.@ #", "##########"], /line 3: second player at column 8/],
    ["mismatch", ["; 0", "##########", "#  @ $$. #", "##########"], /2 boxes but 1 targets/],
    ["open border", ["; 0", "##########", "   @ $ . #", "##########"], /border is not a wall/],
    ["headerless", ["##########"], /line 1: level rows before a "; N" header/],
    ["empty", [""], /no levels found/],
  ];
  for (const [name, lines, message] of corrupt) {
    it(`rejects a corrupt file (${name}) naming file and line`, () => {
      const path = write(`${name.replace(/ /g, "-")}.txt`, lines);
      try {
        loadBoxoban(path);
        expect.unreachable();
      } catch (e) {
        expect((e as { reason: string }).reason).toBe("INVALID_ARGUMENT");
        expect((e as Error).message).toMatch(message);
        expect((e as Error).message).toContain(`boxoban data set "test": boxoban file ${name.replace(/ /g, "-")}.txt`);
        expect((e as Error).message).not.toContain(tmp);
      }
    });
  }

  it("reports missing paths (to the operator) and data sets without levels", () => {
    expect(() => new OperatorResources({ data: { nope: join(tmp, "nope.txt") } })).toThrow(/data set "nope": .*nope\.txt does not exist/);
    const empty = join(tmp, "empty");
    mkdirSync(empty);
    expect(() => loadBoxoban(empty)).toThrow(/data set "test": has no \.txt level files/);
    // A set without .txt files is not offered to sokoban at all.
    expect(levelLibrary(new OperatorResources({ data: { empty } })).names).toEqual([]);
  });

  it("parseBoxoban handles CRLF", () => {
    expect(parseBoxoban(["; 3", ...LEVEL].join("\r\n"), "x.txt")[0]!.name).toBe("x.txt#3");
  });
});
