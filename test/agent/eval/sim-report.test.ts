/** The ReSim report shows the Sim Score beside the copy-state baseline, and still reads reports saved before it. */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { summarizeSim } from "../../../agent/eval/evaluate.js";
import { scoreResponse } from "../../../agent/eval/sim-score.js";
import { rewriteReport } from "../../../agent/experiment/resim-experiment.js";

const row = (md: string, method: string) => md.split("\n").find((l) => l.startsWith(`| ${method} |`))!.split("|").map((c) => c.trim());

describe("ReSim report", () => {
  it("shows changed, copy baseline and the old similarity; an old resim.json keeps its old score", async () => {
    const docs = mkdtempSync(join(tmpdir(), "sim-report-"));
    copyFileSync("docs/results/resim.json", join(docs, "resim.json"));
    await rewriteReport(docs);
    let md = readFileSync(join(docs, "resim.md"), "utf8");
    expect(md).toContain("| Sim Score: changed (ID) | copy-state baseline (ID) | similarity, old score (ID) |");
    // Saved before the new score: the new columns are unknown, the old one is kept.
    expect(row(md, "DISTILL(ReSim)").slice(4, 7)).toEqual(["—", "—", "0.773"]);

    const saved = JSON.parse(readFileSync(join(docs, "resim.json"), "utf8")) as { rows: { id: Record<string, unknown> }[] };
    const g = (...rows: string[]) => rows.join("\n");
    const start = g("#####", "#P__#", "#####");
    const next = g("#####", "#_P_#", "#####");
    const sim = summarizeSim([
      scoreResponse(start, [{ predicted: [next], real: [next] }]),
      scoreResponse(start, [{ predicted: [start, start], real: [next, next] }]),
    ]);
    saved.rows[1]!.id.sim = sim;
    writeFileSync(join(docs, "resim.json"), JSON.stringify(saved));
    await rewriteReport(docs);
    md = readFileSync(join(docs, "resim.md"), "utf8");
    // Response 1 is right (copy 0); response 2 copies: 0 on the change, and 0 on the step that changed nothing
    // (it predicted the start state, not the real one), where copying the state before it scores 1.
    expect(row(md, "DISTILL(ReSim)").slice(4, 8)).toEqual(["0.500", "0.250", sim.similarity!.toFixed(3), "0.500"]);
    expect(md).toContain("DISTILL(ReSim): 3 predicted steps, 1 that changed nothing");
  }, 60_000);
});
