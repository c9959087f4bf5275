import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatReply, parseReply } from "../../adapters/dream/reply.js";
import { ReplayBuffer, type RealTransition } from "../../adapters/dream/retrieval.js";

const t = (state: string, action: string, next = `${state}'`): RealTransition => ({ state, action, next, reward: 0, terminated: false, success: false, nextValidActions: [] });

describe("dream retrieval (action, then TF-IDF cosine over character 3-grams)", () => {
  const rooms = ["#####\n#P_X#\n#__O#\n#####", "#####\n#_PX#\n#__O#\n#####", "#####\n#__X#\n#P_O#\n#####", "You are in the kitchen. You see a fridge 1 and a countertop 1."];
  const buffer = new ReplayBuffer([t(rooms[0]!, "Up"), t(rooms[0]!, "Right"), t(rooms[1]!, "Right"), t(rooms[2]!, "Right"), t(rooms[3]!, "open fridge 1")]);

  it("finds the same state and action first, with cosine 1", () => {
    const [best] = buffer.nearest(rooms[1]!, "Right", 1);
    expect(best!.index).toBe(2);
    expect(best!.score).toBeCloseTo(2);
  });

  it("ranks an equal action above a more similar state under another action", () => {
    // State 0 under Up is the exact state, but the action differs: the Right transitions come first.
    const found = buffer.nearest(rooms[0]!, "right", 3);
    expect(found[0]!.index).toBe(1);
    expect(found.map((n) => n.index).sort()).toEqual([1, 2, 3]);
    expect(found[0]!.score).toBeCloseTo(2);
    expect(found[2]!.score).toBeGreaterThan(1);
    expect(found[1]!.score).toBeGreaterThanOrEqual(found[2]!.score);
  });

  it("normalises action case and spacing, bounds k, and is deterministic with ties in buffer order", () => {
    const twins = new ReplayBuffer([t("a b c", "go"), t("a b c", "go"), t("x y z", "go")]);
    expect(twins.nearest("a b c", "  GO ", 2).map((n) => n.index)).toEqual([0, 1]);
    expect(twins.nearest("a b c", "go", 0)).toEqual([]);
    expect(twins.nearest("a b c", "go", 10)).toHaveLength(3);
    expect(new ReplayBuffer([]).nearest("a", "b", 3)).toEqual([]);
  });

  it("matches text environments on shared words", () => {
    const [best] = buffer.nearest("You are in the kitchen. You see a fridge 1.", "open fridge 1", 1);
    expect(best!.index).toBe(4);
  });
});

describe("dream reply format", () => {
  it("parses the format, ignoring reasoning that mentions the tags", () => {
    const reply = "<think>maybe <next_state>x</next_state></think>\n<next_state>\n#P#\n#_#\n</next_state>\n<success>YES</success>\n<valid_actions>\nUp\nDown\nUp\n</valid_actions>";
    expect(parseReply(reply)).toEqual({ ok: true, reply: { nextState: "#P#\n#_#", success: true, validActions: ["Up", "Down"] } });
    expect(parseReply("<next_state>a</next_state><success>no</success>")).toEqual({ ok: true, reply: { nextState: "a", success: false, validActions: undefined } });
  });

  it("round-trips what formatReply writes", () => {
    const r = { nextState: "line 1\nline 2", success: false, validActions: ["go north", "look"] };
    expect(parseReply(formatReply(r))).toEqual({ ok: true, reply: r });
  });

  it("says what is wrong with a malformed reply, in one short line", () => {
    const cases: [string, RegExp][] = [
      ["", /no <next_state>/],
      ["<next_state>cut off by max tokens", /no <next_state>/],
      ["<next_state>\n\n</next_state><success>no</success>", /empty/],
      ["<next_state>a</next_state>", /no <success>/],
      ["<next_state>a</next_state><success>maybe</success>", /yes or no/],
      ["<next_state>a\u0000</next_state><success>no</success>", /control/],
      [`<next_state>${"x".repeat(9000)}</next_state><success>no</success>`, /longer than/],
      [`<next_state>a</next_state><success>no</success><valid_actions>${"a\n".repeat(300)}</valid_actions>`, /more than/],
    ];
    for (const [reply, why] of cases) {
      const r = parseReply(reply);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error).toMatch(why);
        expect(r.error.length).toBeLessThan(200);
      }
    }
  });

  it("never throws on arbitrary text (property)", () => {
    const tagged = fc.array(fc.oneof(fc.string(), fc.constantFrom("<next_state>", "</next_state>", "<success>", "</success>", "yes", "<valid_actions>", "</valid_actions>", "</think>", "\n")), { maxLength: 30 });
    fc.assert(
      fc.property(tagged, (parts) => {
        const r = parseReply(parts.join(""));
        if (!r.ok) expect(r.error.length).toBeLessThan(200);
        else expect(r.reply.nextState.trim()).not.toBe("");
      }),
      { numRuns: 500 },
    );
  });
});
