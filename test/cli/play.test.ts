/** `dynamind play`: word wrapping, the action lists, `tap N`, the off-list ALFWorld command, the Sokoban legend. */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { expandShorthand, groupActions } from "../../cli/commands/play.js";
import { sokobanLegend, wrapText } from "../../cli/render.js";
import { hasChromium } from "../support/chromium.js";

const exec = promisify(execFile);

/** Plays with piped input (one action per line) and returns what was drawn. */
async function play(args: string[], input: string): Promise<string> {
  const child = exec(process.execPath, ["--import", "tsx", "cli/dynamind.ts", "play", ...args, "--no-color"], { encoding: "utf8", env: { ...process.env, LOG_LEVEL: "warn" } });
  child.child.stdin!.end(input);
  return (await child).stdout;
}

describe("play's text layout", () => {
  it("wraps long lines at spaces, keeps short lines (a grid) whole, and cuts only words longer than a line", () => {
    const text = "You see a cabinet 4, a cabinet 3, a coffeemachine 1, and a toaster 1.\n#_#__#";
    const wrapped = wrapText(text, 24).split("\n");
    expect(wrapped).toEqual(["You see a cabinet 4, a", "cabinet 3, a", "coffeemachine 1, and a", "toaster 1.", "#_#__#"]);
    expect(wrapText("  indented words that go on and on", 16).split("\n")).toEqual(["  indented words", "  that go on and", "  on"]);
    expect(wrapText("abcdefghijKLMNOPQRSTuv", 10).split("\n")).toEqual(["abcdefghij", "KLMNOPQRST", "uv"]);
  });

  it("groups android-web's JSON actions by action_type without splitting their JSON", () => {
    const lines = groupActions([
      '{"action_type":"click","x":153,"y":312}',
      '{"action_type":"click","x":411,"y":312}',
      '{"action_type":"open_app","app_name":"Simple SMS Messenger"}',
      '{"action_type":"navigate_back"}',
      '{"action_type":"wait"}',
    ]);
    expect(lines).toEqual(["click at x,y: 153,312  411,312", 'open_app (app_name): "Simple SMS Messenger"', "also: navigate_back, wait"]);
    expect(groupActions(["Up", "Down"])).toEqual(["actions: Up | Down"]);
  });

  it("reads `tap N` as a click on UI element N, and leaves other input alone", () => {
    expect(expandShorthand("tap 3")).toBe('{"action_type":"click","index":3}');
    expect(expandShorthand("t 12")).toBe('{"action_type":"click","index":12}');
    expect(expandShorthand('{"action_type":"wait"}')).toBe('{"action_type":"wait"}');
    expect(expandShorthand("take knife 1 from countertop 1")).toBe("take knife 1 from countertop 1");
  });

  it("has a legend for every Sokoban glyph", () => {
    expect(sokobanLegend(false)).toBe("P you  X box  O target  √ box on a target  S you on a target  # wall  _ floor");
    expect(sokobanLegend(true)).toContain("box on a target");
  });
});

describe("play over the protocol (piped input)", () => {
  it("shows the Sokoban legend under the grid", async () => {
    const out = await play(["sokoban", "--preset", "6x6-1box", "--seed", "3"], ":q\n");
    expect(out).toContain("legend: P you  X box  O target");
  });

  it("says an ALFWorld command off the admissible list was not admissible, beside the game's \"Nothing happens.\"", async () => {
    const out = await play(["alfworld", "--seed", "3"], "dance wildly\n:q\n");
    expect(out).toContain("Nothing happens.");
    expect(out).toContain('"dance wildly" is not an admissible command here');
    for (const line of out.split("\n")) expect([...line].length).toBeLessThanOrEqual(100);
  });

  it.skipIf(!hasChromium)("taps UI element N on android-web with `tap N` (needs Chromium)", async () => {
    // The SMS app's index on the home screen, read from a first look (the launcher's layout may change).
    const look = await play(["android-web", "--seed", "1"], ":q\n");
    const index = /\[(\d+)\] TextView "Simple SMS Messenger"/.exec(look)?.[1];
    expect(index).toBeDefined();
    const out = await play(["android-web", "--seed", "1"], `tap ${index}\n:q\n`);
    expect(out).toContain("Foreground app: com.simplemobiletools.smsmessenger");
    expect(out).toContain("tap N: click UI element [N]");
    expect(out).not.toMatch(/^"y":/m);
  });
});
