import { selectBackend } from "../../agent/model/backend.js";
import { Command } from "commander";
import { SMALL, TINY } from "../../agent/experiment/config.js";
import { rewriteReport, runResimExperiment } from "../../agent/experiment/resim-experiment.js";
import { createLogger } from "../../env-server/logger.js";
import { connect } from "../connect.js";

export function experimentCommand(): Command {
  const experiment = new Command("experiment").description("Run a Dyna-Mind experiment end to end and write its report.");
  experiment
    .command("resim")
    .description("DISTILL(action-only) vs DISTILL(ReSim) vs ReSim-with-search, at small scale with fixed seeds (docs/results/resim.md + PNG).")
    .option("--tiny", "every stage on a handful of examples (what CI runs)")
    .option("--work <dir>", "datasets and checkpoints", "runs/resim-experiment")
    .option("--docs <dir>", "where the report goes", "docs/results")
    .option("-a, --address <host:port...>", "servers to use (default: an embedded server)")
    .option("--report-only", "rebuild resim.md and resim.png from the resim.json in --docs")
    .action(async (opts) => {
      if (opts.reportOnly) return rewriteReport(opts.docs);
      await selectBackend({ logger: createLogger("dynamind") });
      const cfg = opts.tiny ? TINY : SMALL;
      const { client, close } = await connect(opts.address);
      try {
        const command = `dynamind experiment resim${opts.tiny ? " --tiny" : ""}`;
        const r = await runResimExperiment(client, cfg, { work: opts.work, docs: opts.docs }, command, createLogger("experiment"));
        for (const row of r.rows) {
          const sim = (x: number | null) => x?.toFixed(3) ?? "—";
          const s = row.id.sim;
          console.log(
            `${row.method.padEnd(22)} success ID ${row.id.successRate.toFixed(2)}  OOD ${row.ood.successRate.toFixed(2)}  ` +
              `Sim changed ${sim(s.changed)} (copy baseline ${sim(s.copyBaseline)}, old similarity ${sim(s.similarity)})`,
          );
        }
        console.log(`report: ${opts.docs}/resim.md`);
      } finally {
        await close();
      }
    });
  return experiment;
}
