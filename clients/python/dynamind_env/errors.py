"""The one exception every client raises: :class:`DynamindError`."""

from __future__ import annotations

import grpc

from ._proto import types_pb2 as types_pb

_REASON_TRAILER = "dynamind-reason"
_RETRYABLE_TRAILER = "dynamind-retryable"
_DETAIL_TRAILER = "dynamind-error-bin"

_CODES_BY_VALUE = {c.value[0]: c for c in grpc.StatusCode}
# Used when a failure carries no dynamind trailers (e.g. the server is unreachable).
_RETRYABLE_CODES = {
    grpc.StatusCode.UNAVAILABLE,
    grpc.StatusCode.DEADLINE_EXCEEDED,
    grpc.StatusCode.RESOURCE_EXHAUSTED,
}
# A close that fails with one of these has nothing left to free: the session is gone
# (reaped as idle, or the server restarted) or the server is away.
_NOTHING_TO_CLOSE = frozenset({"SESSION_NOT_FOUND", "UNAVAILABLE", "SHUTTING_DOWN", "SERVER_UNREACHABLE"})
_FALLBACK_REASONS = {
    grpc.StatusCode.DEADLINE_EXCEEDED: "DEADLINE",
    grpc.StatusCode.UNAUTHENTICATED: "UNAUTHENTICATED",
}


class DynamindError(Exception):
    """A failed call.

    Attributes:
        code: the gRPC status (``grpc.StatusCode``).
        reason: the ``ErrorReason`` name, e.g. ``"SESSION_NOT_FOUND"``. When the failure
            did not come from the dynamind server (no trailers, e.g. connection refused)
            it is the gRPC code name, e.g. ``"UNAVAILABLE"``.
        message: human-readable explanation.
        retryable: whether the same call may succeed later unchanged.
    """

    def __init__(self, code: grpc.StatusCode, reason: str, message: str, retryable: bool):
        super().__init__(f"{reason} ({code.name}): {message}")
        self.code = code
        self.reason = reason
        self.message = message
        self.retryable = retryable

    @property
    def nothing_to_close(self) -> bool:
        """Whether a ``close_session`` that failed so left nothing to free (the envs' ``close`` ignores it)."""
        return self.reason in _NOTHING_TO_CLOSE

    @classmethod
    def from_detail(cls, detail: types_pb.ErrorDetail) -> "DynamindError":
        """From an ``ErrorDetail`` message (trailer or ``BatchStepItem.error``)."""
        code = _CODES_BY_VALUE.get(detail.code, grpc.StatusCode.UNKNOWN)
        reason = types_pb.ErrorReason.Name(detail.reason) if detail.reason in types_pb.ErrorReason.values() else str(detail.reason)
        return cls(code, reason, detail.message, detail.retryable)

    @classmethod
    def from_rpc_error(cls, err: grpc.RpcError) -> "DynamindError":
        """From the exception grpcio raises; reads the dynamind trailers when present."""
        code = err.code() if hasattr(err, "code") else grpc.StatusCode.UNKNOWN
        message = (err.details() if hasattr(err, "details") else None) or str(err)
        trailers = {}
        if hasattr(err, "trailing_metadata"):
            for key, value in err.trailing_metadata() or ():
                trailers[key.lower()] = value
        raw = trailers.get(_DETAIL_TRAILER)
        if isinstance(raw, (bytes, bytearray)) and raw:
            try:
                detail = types_pb.ErrorDetail.FromString(bytes(raw))
            except Exception:  # malformed trailer: fall back to the text ones
                detail = None
            if detail is not None and detail.reason != types_pb.ERROR_REASON_UNSPECIFIED:
                err_ = cls.from_detail(detail)
                err_.code = code  # the status actually received wins
                if not err_.message:
                    err_.message = message
                return err_
        reason = trailers.get(_REASON_TRAILER)
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        retryable = trailers.get(_RETRYABLE_TRAILER)
        if isinstance(retryable, bytes):
            retryable = retryable.decode("ascii", "replace")
        if reason:
            return cls(code, reason, message, retryable == "true")
        return cls(code, _FALLBACK_REASONS.get(code, code.name), message, code in _RETRYABLE_CODES)
