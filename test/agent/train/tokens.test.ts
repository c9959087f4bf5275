import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { tokensCommand } from "../../../cli/commands/tokens.js";
import { formatTokenReport, tokenReport } from "../../../agent/train/token-report.js";
import type { ChatExample } from "../../../agent/train/dataset.js";

const dir = mkdtempSync(path.join(tmpdir(), "dynamind-tokens-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const grid = "######\n#_P_O#\n#_X__#\n######";
const examples: ChatExample[] = Array.from({ length: 20 }, (_, i) => ({
  messages: [
    { role: "user", content: `Step ${i}. Current observation:\n${grid}\n\nValid actions: Up, Down, Left, Right` },
    { role: "assistant", content: `<think>\n<plan id=1 value=0.${i % 10}0>\n<action>Right</action>\n<state>\n${grid}\n</state>\n</plan>\n</think>\n<answer>Right</answer>` },
  ],
}));

describe("dynamind tokens", () => {
  it("reports tokens per example for byte and fitted tokenizers, on all and on held-out examples", () => {
    const rows = tokenReport(examples, { evalFraction: 0.1 });
    expect(rows.map((r) => r.name)).toEqual(["byte", "fitted", "byte, held-out", "fitted, held-out"]);
    const [byte, fitted, , heldOut] = rows;
    expect(byte!.examples).toBe(20);
    expect(heldOut!.examples).toBe(2);
    expect(fitted!.mean).toBeLessThan(byte!.mean * 0.75);
    expect(fitted!.minMaxSeqLen).toBe(fitted!.max - 1);
    const table = formatTokenReport(rows).split("\n");
    expect(table[0]).toMatch(/^tokenizer\s+vocab\s+examples\s+mean\s+p95\s+max\s+reply mean\s+reply max\s+min maxSeqLen$/);
    expect(table).toHaveLength(5);
  });

  it("prints the table from a JSONL file", async () => {
    const file = path.join(dir, "d.jsonl");
    writeFileSync(file, examples.map((e) => JSON.stringify(e)).join("\n") + "\n");
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    try {
      await tokensCommand().parseAsync(["--data", file, "--json"], { from: "user" });
      const rows = JSON.parse(String(log.mock.calls[0]?.[0])) as { name: string; max: number }[];
      expect(rows.map((r) => r.name)).toEqual(["byte", "fitted", "byte, held-out", "fitted, held-out"]);
    } finally {
      log.mockRestore();
    }
  });
});
