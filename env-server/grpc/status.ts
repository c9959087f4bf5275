/** Turns any thrown value into a gRPC status carrying the protocol's ErrorDetail. */
import { Metadata, type ServiceError } from "@grpc/grpc-js";
import type { EnvError } from "../../adapters/contract.js";
import { clip } from "../../adapters/kit/clip.js";
import { ErrorDetail, errorReasonToJSON } from "../../gen/ts/dynamind/env/v1/types_pb.js";
import { MAX_ERROR_MESSAGE } from "../core/error-detail.js";
import { GRPC_CODE, toProtoReason } from "../core/to-proto.js";

/** The status for an error already mapped by the engine (EnvEngine.toEnvError). */
export function toServiceError(err: EnvError): ServiceError {
  const metadata = statusMetadata(err);
  const details = clip(err.message, MAX_ERROR_MESSAGE);
  return Object.assign(new Error(details), { code: GRPC_CODE[err.reason], details, metadata });
}

/** The trailers that carry an error's reason, for statuses sent outside a handler (auth, timeouts, drain). */
export function statusMetadata(err: EnvError): Metadata {
  return detailMetadata({
    code: GRPC_CODE[err.reason],
    reason: toProtoReason(err.reason),
    message: clip(err.message, MAX_ERROR_MESSAGE),
    retryable: err.retryable,
  });
}

function detailMetadata(detail: ErrorDetail): Metadata {
  const metadata = new Metadata();
  metadata.set("dynamind-reason", errorReasonToJSON(detail.reason));
  metadata.set("dynamind-retryable", String(detail.retryable));
  metadata.set("dynamind-error-bin", Buffer.from(ErrorDetail.encode(detail).finish()));
  return metadata;
}
