import { describe, expect, it } from "vitest";
import { CompletionText, logprobEntries } from "../../../agent/llm/completion-text.js";
import { ByteTokenizer } from "../../../agent/model/tokenizer.js";
import type { StepToken } from "../../../agent/model/transformer.js";

const tok = new ByteTokenizer();
const step = (token: number): StepToken => ({ row: 0, token, logprob: -1 });

/** Feeds `ids` one by one; returns the released deltas, whether a stop ended it, and the kept tokens. */
function feed(ids: number[], stops: string[]) {
  const ct = new CompletionText(stops);
  const deltas: string[] = [];
  let stoppedAt = -1;
  for (const [i, id] of ids.entries()) {
    const ended = ct.push(step(id));
    deltas.push(ct.release().text);
    if (ended) {
      stoppedAt = i;
      break;
    }
  }
  deltas.push(ct.release(true).text);
  return { deltas, stoppedAt, kept: ct.tokens.map((t) => t.token), text: deltas.join("") };
}

describe("CompletionText", () => {
  it("ends when the text ends with a stop string, drops it, and holds back a possible start", () => {
    const r = feed(tok.encode("hello world"), ["o w"]);
    expect(r.text).toBe("hell");
    expect(r.kept).toEqual(tok.encode("hell"));
    expect(r.stoppedAt).toBe(6); // right after "w": generation ends there
    // "o" and "o " were held back until ruled in; nothing of the stop string was ever released.
    expect(r.deltas.slice(0, 7)).toEqual(["h", "e", "l", "l", "", "", ""]);
  });

  it("releases held text once it cannot become a stop string, and takes the earliest of several", () => {
    expect(feed(tok.encode("abcabd"), ["abd"]).deltas.slice(0, 4)).toEqual(["", "", "abc", ""]);
    expect(feed(tok.encode("abcabd"), ["abd"]).text).toBe("abc");
    expect(feed(tok.encode("xyz"), ["yz", "z"]).text).toBe("x");
    expect(feed(tok.encode("no stop here"), ["zz"]).text).toBe("no stop here");
  });

  it("never splits a UTF-8 character across deltas, and matches multi-byte stop strings", () => {
    const r = feed(tok.encode("é√é"), []);
    expect(r.deltas).toEqual(["", "é", "", "", "√", "", "é", ""]);
    expect(feed(tok.encode("ab√cd"), ["√"]).text).toBe("ab");
    // Invalid bytes decode as ByteTokenizer.decode does.
    const junk = [0xe2, 0x41, 0xff, tok.end, 0xc3];
    expect(feed(junk, []).text).toBe(tok.decode(junk));
  });

  it("ignores special tokens inside a stop match (they add no text) and describes them without bytes", () => {
    expect(feed([...tok.encode("ab"), tok.bos, ...tok.encode("cd")], ["bc"]).text).toBe("a");
    const e = logprobEntries(tok, [{ row: 0, token: 0xe2, logprob: -0.5, top: [{ token: tok.end, logprob: -0.1 }] }], 1);
    expect(e).toEqual([{ token: "\ufffd", bytes: [0xe2], logprob: -0.5, top_logprobs: [{ token: "<|end|>", bytes: null, logprob: -0.1 }] }]);
  });
});

describe("CompletionText with multi-byte tokens (a fitted tokenizer's pieces)", () => {
  const pieces = new Map<number, string>([
    [300, " the"],
    [301, " box"],
    [302, "</answer>"],
  ]);
  const bytesOf = (id: number) => (pieces.has(id) ? new TextEncoder().encode(pieces.get(id)!) : id < 256 ? Uint8Array.of(id) : undefined);
  const run = (ids: number[], stops: string[]) => {
    const ct = new CompletionText(stops, bytesOf);
    const deltas: string[] = [];
    for (const id of ids) {
      const ended = ct.push(step(id));
      deltas.push(ct.release().text);
      if (ended) break;
    }
    deltas.push(ct.release(true).text);
    return { text: deltas.join(""), kept: ct.tokens.map((t) => t.token), deltas };
  };

  it("streams whole pieces and matches stop strings across them", () => {
    const r = run([...tok.encode("Push"), 300, 301, 302, ...tok.encode("more")], ["</answer>"]);
    expect(r.text).toBe("Push the box");
    expect(r.kept).toEqual([...tok.encode("Push"), 300, 301]);
  });

  it("cuts at the token where a stop string starts, even inside a piece", () => {
    const r = run([...tok.encode("A"), 300, 301], ["he b"]);
    expect(r.text).toBe("A");
    expect(r.kept).toEqual(tok.encode("A"));
  });

  it("holds back a piece that may begin a stop string until it is decided", () => {
    const r = run([300, ...tok.encode("x")], [" the end"]);
    expect(r.deltas[0]).toBe("");
    expect(r.text).toBe(" thex");
  });
});
