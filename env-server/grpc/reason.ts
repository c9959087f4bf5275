import { EnvError } from "../../adapters/contract.js";

/** The metrics label for a thrown value. */
export function reasonOf(err: unknown): string {
  return err instanceof EnvError ? err.reason : "INTERNAL";
}
