/**
 * The one place a thrown value becomes the protocol's ErrorDetail. Messages are
 * capped (they travel in trailers, and grpc-js connections wedge past ~64 KB of
 * them); unexpected errors are reported to the client as an opaque INTERNAL with
 * an incident id, their message and stack going to the server log only.
 */
import { randomBytes } from "node:crypto";
import { EnvError } from "../../adapters/contract.js";
import { clip } from "../../adapters/kit/clip.js";
import type { ErrorDetail } from "../../gen/ts/dynamind/env/v1/types_pb.js";
import { GRPC_CODE, toProtoReason } from "./to-proto.js";

/** Longest message sent to a client. */
export const MAX_ERROR_MESSAGE = 1024;

/** Receives every unexpected (INTERNAL) error with the incident id sent to the client. */
export type InternalErrorSink = (err: unknown, incident: string) => void;

/** The error as sent: EnvErrors as they are, anything else an opaque INTERNAL reported to `sink`. */
export function toEnvError(err: unknown, sink: InternalErrorSink): EnvError {
  if (err instanceof EnvError && err.reason !== "INTERNAL") return err;
  const incident = randomBytes(6).toString("hex");
  sink(err, incident);
  return new EnvError("INTERNAL", `internal error (incident ${incident}; the server's log has the details)`);
}

export function errorDetail(err: unknown, sink: InternalErrorSink): ErrorDetail {
  const e = toEnvError(err, sink);
  return { code: GRPC_CODE[e.reason], reason: toProtoReason(e.reason), message: clip(e.message, MAX_ERROR_MESSAGE), retryable: e.retryable };
}
