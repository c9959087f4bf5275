import { statSync } from "node:fs";
import { InvalidArgumentError } from "commander";

/** commander parser for non-negative integers. */
export function int(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(`expected a non-negative integer, got "${value}"`);
  return n;
}

/** commander parser for non-negative finite numbers. */
export function nonNegative(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`expected a non-negative number, got "${value}"`);
  return n;
}

/** commander parser for positive finite numbers (a learning rate). */
export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a positive number, got "${value}"`);
  return n;
}

/** commander parser for a JSON object. */
export function jsonObject(value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (err) {
    throw new InvalidArgumentError(`not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new InvalidArgumentError("expected a JSON object");
  return parsed as Record<string, unknown>;
}

/** Throws one clear error for the first given path (by its flag) that is not a readable file; undefined entries are skipped. */
export function requireFiles(paths: Record<string, string | undefined>): void {
  for (const [flag, p] of Object.entries(paths)) {
    if (p !== undefined && !isKind(p, "file")) throw new Error(`${flag} ${p}: no such file`);
  }
}

/** As requireFiles, for directories (checkpoints). */
export function requireDirs(paths: Record<string, string | undefined>): void {
  for (const [flag, p] of Object.entries(paths)) {
    if (p !== undefined && !isKind(p, "dir")) throw new Error(`${flag} ${p}: no such directory`);
  }
}

function isKind(p: string, kind: "file" | "dir"): boolean {
  try {
    const st = statSync(p);
    return kind === "file" ? st.isFile() : st.isDirectory();
  } catch {
    return false;
  }
}
