import { Command } from "commander";
import { builtinRegistry } from "../../adapters/index.js";
import { EnvClient } from "../../agent/client/index.js";
import { toProtoSpec } from "../../env-server/core/to-proto.js";
import { actionKindToJSON, cloneSupportToJSON, observationKindToJSON, type EnvSpec } from "../../gen/ts/dynamind/env/v1/types_pb.js";

export function envsCommand(): Command {
  return new Command("envs")
    .description("List the environments (of this install, or of a running server) with their specs.")
    .option("-a, --address <host:port>", "ask a running server instead")
    .option("--json", "print the specs as JSON")
    .action(async (opts) => {
      let specs: EnvSpec[];
      if (opts.address) {
        const client = new EnvClient(opts.address);
        try {
          specs = await client.listEnvs();
        } finally {
          client.close();
        }
      } else {
        specs = (await builtinRegistry().loadAll()).map((d) => toProtoSpec(d.describe(undefined)));
      }
      if (opts.json) {
        console.log(JSON.stringify(specs, null, 2));
        return;
      }
      for (const s of specs) {
        const short = (xs: string[], prefix: string) => xs.map((x) => x.replace(prefix, "").toLowerCase()).join(", ");
        console.log(`${s.id}  v${s.version}  ${s.description}`);
        console.log(`  observations: ${short(s.observationKinds.map(observationKindToJSON), "OBSERVATION_KIND_")}`);
        console.log(`  actions:      ${short(s.actionSpec!.kinds.map(actionKindToJSON), "ACTION_KIND_")}`);
        console.log(`  clone:        ${short([cloneSupportToJSON(s.cloneSupport)], "CLONE_SUPPORT_")}   max steps: ${s.maxSteps}`);
        if (s.learned) console.log("  dynamics:     learned (a model generates the transitions; only the start state is real)");
        for (const t of s.tasks) console.log(`  task ${t.name.padEnd(14)} ${t.description}   ${t.configJson}`);
      }
    });
}
