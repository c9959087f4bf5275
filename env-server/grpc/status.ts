/** Turns any thrown value into a gRPC status carrying the protocol's ErrorDetail. */
import { Metadata, type ServiceError } from "@grpc/grpc-js";
import { ErrorDetail, errorReasonToJSON } from "../../gen/ts/dynamind/env/v1/types_pb.js";
import { EnvEngine } from "../core/engine.js";

export function toServiceError(err: unknown): ServiceError {
  const detail = EnvEngine.errorDetail(err);
  const metadata = new Metadata();
  metadata.set("dynamind-reason", errorReasonToJSON(detail.reason));
  metadata.set("dynamind-retryable", String(detail.retryable));
  metadata.set("dynamind-error-bin", Buffer.from(ErrorDetail.encode(detail).finish()));
  return Object.assign(new Error(detail.message), {
    code: detail.code,
    details: detail.message,
    metadata,
  });
}
