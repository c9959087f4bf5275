/** The client's error: the server's reason and retryability, parsed from the status trailers. */
import type { ServiceError } from "@grpc/grpc-js";
import { ErrorDetail, errorReasonToJSON } from "../../gen/ts/dynamind/env/v1/types_pb.js";

export class DynamindError extends Error {
  constructor(
    /** gRPC status code. */
    readonly code: number,
    /** Machine-readable reason, e.g. "SESSION_NOT_FOUND". */
    readonly reason: string,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = "DynamindError";
  }

  static fromDetail(detail: ErrorDetail): DynamindError {
    return new DynamindError(detail.code, errorReasonToJSON(detail.reason), detail.message, detail.retryable);
  }

  static fromServiceError(err: ServiceError): DynamindError {
    const bin = err.metadata?.get("dynamind-error-bin")[0];
    if (bin instanceof Buffer) {
      try {
        return DynamindError.fromDetail(ErrorDetail.decode(bin));
      } catch {
        // fall through to the plain status
      }
    }
    // Statuses made by grpc-js itself (unreachable server, message too large, ...) carry no detail.
    const retryable = err.code === 14 || err.code === 8;
    return new DynamindError(err.code, "TRANSPORT", err.details || err.message, retryable);
  }
}
