/**
 * `dynamind view DIR…`: a local web page over recordings (`--record`) and ReSim
 * datasets (`dynamind resim`) in the folders named, and nothing outside them.
 */
import { Command } from "commander";
import { startViewer } from "../view/server.js";
import { int } from "../options.js";

export function viewCommand(): Command {
  return new Command("view")
    .description("Serve a web page that steps through recorded episodes and draws ReSim search trees (files under DIRs only).")
    .argument("<dirs...>", "folders holding recordings and ReSim datasets (.jsonl)")
    .option("--host <host>", "address to bind (loopback unless you choose otherwise)", "127.0.0.1")
    .option("--port <n>", "port (0: any free one)", int, 8700)
    .action(async (dirs: string[], opts) => {
      const viewer = await startViewer({ dirs, host: opts.host, port: opts.port });
      console.log(`dynamind view: ${viewer.url} (Ctrl-C to stop)`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
      await viewer.close();
    });
}
