/**
 * Structured logs (pino: JSON lines, cheap when a level is off, the de-facto
 * standard for Node services). Level from LOG_LEVEL; default "info".
 */
import { pino, type Logger } from "pino";

export type { Logger };

export function createLogger(name = "dynamind", level = process.env.LOG_LEVEL ?? "info"): Logger {
  return pino({ name, level });
}
