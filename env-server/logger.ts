/**
 * Structured logs (pino: JSON lines, cheap when a level is off, the de-facto
 * standard for Node services). Level from LOG_LEVEL; default "info". Logs go to
 * stderr, so a command's stdout holds only its result (JSON that scripts parse).
 */
import { pino, type Logger } from "pino";

export type { Logger };

export function createLogger(name = "dynamind", level = process.env.LOG_LEVEL ?? "info"): Logger {
  return pino({ name, level }, pino.destination(2));
}
