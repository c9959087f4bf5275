/**
 * The `dynamind` command line. commander handles parsing, help and errors so
 * each command is just its options and an action. Command modules import no
 * TensorFlow.js at load time: the commands that need it import it in their action,
 * after their arguments are checked (test/cli/startup.test.ts).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import { packageRoot } from "../env-server/package-root.js";
import { callCommand } from "./commands/call.js";
import { emulatorCommand } from "./commands/emulator.js";
import { envsCommand } from "./commands/envs.js";
import { playCommand } from "./commands/play.js";
import { replayCommand } from "./commands/replay.js";
import { viewCommand } from "./commands/view.js";
import { resimCommand } from "./commands/resim.js";
import { evalCommand } from "./commands/eval.js";
import { experimentCommand } from "./commands/experiment.js";
import { serveModelCommand } from "./commands/serve-model.js";
import { sftCommand } from "./commands/sft.js";
import { trainCommand } from "./commands/train.js";
import { serveCommand } from "./commands/serve.js";
import { tokensCommand } from "./commands/tokens.js";
import { dreamDataCommand } from "./commands/dream-data.js";

const program = new Command()
  .name("dynamind")
  .description("Environments over gRPC with clone/restore/expand, and agents that learn to simulate (Dyna-Mind).")
  .version((JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string }).version, "-V, --version")
  .showHelpAfterError();

program.addCommand(serveCommand());
program.addCommand(envsCommand());
program.addCommand(callCommand());
program.addCommand(playCommand());
program.addCommand(replayCommand());
program.addCommand(viewCommand());
program.addCommand(resimCommand());
program.addCommand(sftCommand());
program.addCommand(trainCommand());
program.addCommand(tokensCommand());
program.addCommand(dreamDataCommand());
program.addCommand(evalCommand());
program.addCommand(serveModelCommand());
program.addCommand(experimentCommand());
program.addCommand(emulatorCommand());

// A failed command prints one clear line (the server's reason when there is one) and exits 1;
// DEBUG=1 shows the stack.
try {
  await program.parseAsync(process.argv);
} catch (err) {
  const e = err as Error & { reason?: string };
  console.error(`dynamind: ${e.reason ? `${e.reason}: ` : ""}${e.message}`);
  if (process.env.DEBUG) console.error(e.stack);
  process.exit(1);
}
