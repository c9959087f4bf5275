import path from "node:path";
import { Command, Option } from "commander";
import { createLogger } from "../../env-server/logger.js";
import type { BackendPreference } from "../../agent/model/backend.js";
import { int, requireDirs } from "../options.js";

export function serveModelCommand(): Command {
  return new Command("serve-model")
    .description("Serve a project checkpoint through the OpenAI chat-completions API (POST /v1/chat/completions, GET /v1/models).")
    .requiredOption("--checkpoint <dir>", "checkpoint directory (e.g. <sft --out>/checkpoint)")
    .option("--host <host>", "interface to bind", "127.0.0.1")
    .option("-p, --port <port>", "HTTP port (0 = any free port)", int, 8000)
    .option("--model-id <id>", "model name reported to clients (default: the checkpoint's directory name)")
    .option("--max-tokens <n>", "max_tokens when a request gives none (lowered to what the context leaves)", int, 256)
    .addOption(new Option("--backend <name>", "tensorflow.js backend (auto: tfjs-node-gpu, wasm, cpu; the native CPU backend, slower at generating small models, only when named: node)").choices(["auto", "gpu", "node", "wasm", "cpu"]).default("auto"))
    .action(async (opts) => {
      requireDirs({ "--checkpoint": opts.checkpoint });
      const [{ selectBackend }, { loadCheckpoint }, { startModelServer }] = await Promise.all([
        import("../../agent/model/backend.js"),
        import("../../agent/model/checkpoint.js"),
        import("../../agent/llm/server.js"),
      ]);
      const logger = createLogger("dynamind-serve-model");
      await selectBackend({ prefer: opts.backend as BackendPreference, logger });
      const ck = await loadCheckpoint(opts.checkpoint, { withOptimizer: false });
      const server = await startModelServer({
        model: ck.model,
        tokenizer: ck.tokenizer,
        modelId: opts.modelId ?? path.basename(path.resolve(opts.checkpoint)),
        host: opts.host,
        port: opts.port,
        defaultMaxTokens: opts.maxTokens,
        logger,
      });
      const shutdown = (signal: string): void => {
        logger.info({ signal }, "shutting down");
        void server.close().then(() => process.exit(0));
      };
      process.once("SIGTERM", () => shutdown("SIGTERM"));
      process.once("SIGINT", () => shutdown("SIGINT"));
    });
}
