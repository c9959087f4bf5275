/**
 * A client's session config and reset options, checked with zod before any work: the
 * error names the field, cuts unknown keys and the whole message short, and never
 * echoes a long value back to a stranger. One wording for every environment.
 */
import type { z } from "zod";
import { EnvError } from "../contract.js";
import { shortName } from "./short-text.js";

/** `what` names the input, e.g. "sokoban config" or "alfworld reset options". */
export function parseClientInput<S extends z.ZodType>(schema: S, raw: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(raw ?? {});
  if (!parsed.success) throw new EnvError("INVALID_ARGUMENT", shortName(describeIssues(parsed.error, what), 1000));
  return parsed.data;
}

export function describeIssues(error: z.ZodError, what: string): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
      const field = path.startsWith(".") ? path.slice(1) : path || "(root)";
      // Keys are the client's input: cut short.
      if (issue.code === "unrecognized_keys") return `unknown field(s) ${shortName(issue.keys.map((k) => shortName(k, 64)).join(", "), 300)}`;
      return `${field}: ${issue.message}`;
    })
    .map((m) => `invalid ${what}: ${m}`)
    .join("; ");
}

/**
 * One schema per operator library, built on first use: the names the operator granted
 * are part of the schema (and of the JSON schema the spec publishes).
 */
export function schemaPerLibrary<L extends object, S>(build: (library: L) => S): (library: L) => S {
  const cache = new WeakMap<L, S>();
  return (library) => {
    let schema = cache.get(library);
    if (schema === undefined) cache.set(library, (schema = build(library)));
    return schema;
  };
}
