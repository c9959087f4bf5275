"""A thin synchronous client of ``dynamind.env.v1.EnvService``.

Every method returns the protocol's own messages (see ``proto/dynamind/env/v1``):
``reset``/``step``/``restore_state`` give a ``StepResult``; ``list_envs`` a list of
``EnvSpec``; ``expand`` a list of ``Branch``. Failures raise :class:`DynamindError`.
"""

from __future__ import annotations

import json
from typing import Any, Iterable, List, Mapping, Optional, Sequence, Union

import grpc

from dynamind.env.v1 import env_service_pb2 as pb
from dynamind.env.v1 import env_service_pb2_grpc as pb_grpc
from dynamind.env.v1 import types_pb2 as types_pb

#: What may be passed as an action: an index (int), a text command (str), a JSON
#: object (dict, sent as JSON text) or a ready ``Action`` message.
ActionLike = Union[int, str, Mapping[str, Any], types_pb.Action]
#: A saved state: a handle id, a ``StateHandle`` or portable bytes.
StateLike = Union[str, bytes, bytearray, types_pb.StateHandle]

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


def to_action(action: ActionLike) -> types_pb.Action:
    """int -> index, str -> text, dict -> JSON text; an ``Action`` passes through."""
    if isinstance(action, types_pb.Action):
        return action
    if isinstance(action, bool):
        raise TypeError("an action cannot be a bool; use an int index, a str command or a dict")
    if isinstance(action, int):
        if action < 0:
            raise ValueError(f"an action index must be >= 0, got {action}")
        return types_pb.Action(index=action)
    if isinstance(action, str):
        return types_pb.Action(text=action)
    if isinstance(action, Mapping):
        return types_pb.Action(json=json.dumps(dict(action)))
    # numpy integers and the like
    if hasattr(action, "__index__"):
        return to_action(int(action.__index__()))
    raise TypeError(f"unsupported action type {type(action).__name__}: use int, str or dict")


def _json_text(value: Union[None, str, Mapping[str, Any]], what: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return json.dumps(dict(value))
    raise TypeError(f"{what} must be a dict, a JSON string or None, got {type(value).__name__}")


def _observation_kind(kind: Union[int, str]) -> int:
    if isinstance(kind, int):
        return kind
    name = kind.upper()
    if not name.startswith("OBSERVATION_KIND_"):
        name = "OBSERVATION_KIND_" + name
    return types_pb.ObservationKind.Value(name)


def parse_info(result: types_pb.StepResult) -> dict:
    """``StepResult.info_json`` as a dict (empty when there is none)."""
    if not result.info_json:
        return {}
    info = json.loads(result.info_json)
    return info if isinstance(info, dict) else {"value": info}


class EnvClient:
    """A connection to one dynamind server.

    Args:
        address: ``"host:port"``.
        token: bearer token, sent as ``authorization: Bearer <token>`` on every call.
        timeout: deadline of each call in seconds (None: no deadline).
        credentials: ``grpc.ChannelCredentials`` for TLS; plaintext when None.
        options: extra gRPC channel options.
    """

    def __init__(
        self,
        address: str,
        token: Optional[str] = None,
        timeout: Optional[float] = 30.0,
        *,
        credentials: Optional[grpc.ChannelCredentials] = None,
        options: Sequence[tuple] = (),
    ):
        opts = [
            ("grpc.max_receive_message_length", 256 * 1024 * 1024),
            ("grpc.max_send_message_length", 256 * 1024 * 1024),
            *options,
        ]
        if credentials is not None:
            self._channel = grpc.secure_channel(address, credentials, options=opts)
        else:
            self._channel = grpc.insecure_channel(address, options=opts)
        self._stub = pb_grpc.EnvServiceStub(self._channel)
        self._metadata = (("authorization", f"Bearer {token}"),) if token else ()
        self.address = address
        self.timeout = timeout

    # -- plumbing ---------------------------------------------------------------

    def _call(self, method: str, request, timeout: Optional[float] = None):
        try:
            return getattr(self._stub, method)(
                request,
                timeout=self.timeout if timeout is None else timeout,
                metadata=self._metadata,
            )
        except grpc.RpcError as err:
            raise DynamindError.from_rpc_error(err) from None

    def close(self) -> None:
        """Closes the channel (sessions stay open on the server; close them first)."""
        self._channel.close()

    def __enter__(self) -> "EnvClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- RPCs -------------------------------------------------------------------

    def list_envs(self) -> List[types_pb.EnvSpec]:
        return list(self._call("ListEnvs", pb.ListEnvsRequest()).envs)

    def create_session(
        self,
        env_id: str,
        config: Union[None, str, Mapping[str, Any]] = None,
        observation_kinds: Optional[Iterable[Union[int, str]]] = None,
        max_steps: Optional[int] = None,
    ) -> pb.CreateSessionResponse:
        """Opens a session. ``observation_kinds`` takes enum values or names
        (``"text"``, ``"image"``, ``"ui_elements"``). Returns ``.session_id`` and ``.spec``."""
        req = pb.CreateSessionRequest(
            env_id=env_id,
            config_json=_json_text(config, "config"),
            observation_kinds=[_observation_kind(k) for k in observation_kinds or ()],
        )
        if max_steps is not None:
            req.max_steps = max_steps
        return self._call("CreateSession", req)

    def close_session(self, session_id: str) -> None:
        self._call("CloseSession", pb.CloseSessionRequest(session_id=session_id))

    def reset(
        self,
        session_id: str,
        seed: Optional[int] = None,
        options: Union[None, str, Mapping[str, Any]] = None,
    ) -> types_pb.StepResult:
        req = pb.ResetRequest(session_id=session_id, options_json=_json_text(options, "options"))
        if seed is not None:
            req.seed = seed
        return self._call("Reset", req).result

    def step(self, session_id: str, action: ActionLike) -> types_pb.StepResult:
        return self._call("Step", pb.StepRequest(session_id=session_id, action=to_action(action))).result

    def batch_step(
        self, steps: Iterable[tuple]
    ) -> List[Union[types_pb.StepResult, DynamindError]]:
        """Steps many sessions: ``steps`` is ``[(session_id, action), ...]``. Each item is
        a ``StepResult`` or, for a step that failed on its own, a :class:`DynamindError`
        (returned, not raised)."""
        req = pb.BatchStepRequest(
            steps=[pb.StepRequest(session_id=sid, action=to_action(a)) for sid, a in steps]
        )
        out: List[Union[types_pb.StepResult, DynamindError]] = []
        for item in self._call("BatchStep", req).items:
            if item.WhichOneof("outcome") == "error":
                out.append(DynamindError.from_detail(item.error))
            else:
                out.append(item.result)
        return out

    def clone_state(self, session_id: str, portable: bool = False) -> pb.CloneStateResponse:
        """Saves the session's state: ``.handle`` (a ``StateHandle``) and, when
        ``portable``, ``.portable_state`` (signed bytes)."""
        return self._call("CloneState", pb.CloneStateRequest(session_id=session_id, portable=portable))

    def restore_state(self, session_id: str, state: StateLike) -> types_pb.StepResult:
        """Puts the session back into ``state``: a handle id, a ``StateHandle`` or portable bytes."""
        req = pb.RestoreStateRequest(session_id=session_id)
        if isinstance(state, (bytes, bytearray)):
            req.portable_state = bytes(state)
        elif isinstance(state, types_pb.StateHandle):
            req.handle_id = state.id
        elif isinstance(state, str):
            req.handle_id = state
        else:
            raise TypeError(f"state must be a handle id, a StateHandle or bytes, got {type(state).__name__}")
        return self._call("RestoreState", req).result

    def release_state(self, handle_ids: Union[str, types_pb.StateHandle, Iterable]) -> int:
        """Drops saved states; returns how many were still held."""
        if isinstance(handle_ids, (str, types_pb.StateHandle)):
            handle_ids = [handle_ids]
        ids = [h.id if isinstance(h, types_pb.StateHandle) else h for h in handle_ids]
        return self._call("ReleaseState", pb.ReleaseStateRequest(handle_ids=ids)).released

    def fork(
        self,
        session_id: Optional[str] = None,
        *,
        handle_id: Union[None, str, types_pb.StateHandle] = None,
        portable_state: Optional[bytes] = None,
    ) -> pb.ForkResponse:
        """Opens a new session copying a session's current state, a saved state or
        portable bytes (exactly one). Returns ``.session_id``, ``.spec`` and ``.result``."""
        given = [x is not None for x in (session_id, handle_id, portable_state)]
        if sum(given) != 1:
            raise ValueError("fork needs exactly one of session_id, handle_id, portable_state")
        if session_id is not None:
            req = pb.ForkRequest(session_id=session_id)
        elif handle_id is not None:
            req = pb.ForkRequest(handle_id=handle_id.id if isinstance(handle_id, types_pb.StateHandle) else handle_id)
        else:
            req = pb.ForkRequest(portable_state=bytes(portable_state))
        return self._call("Fork", req)

    def expand(
        self,
        session_id: str,
        sequences: Iterable[Iterable[ActionLike]],
        from_handle_id: Union[None, str, types_pb.StateHandle] = None,
        return_leaf_states: bool = False,
        leaf_observations_only: bool = False,
    ) -> List[pb.Branch]:
        """Runs each action sequence from the session's state (or ``from_handle_id``),
        leaving the session untouched. One ``Branch`` per sequence, in order."""
        req = pb.ExpandRequest(
            session_id=session_id,
            sequences=[pb.ActionSequence(actions=[to_action(a) for a in seq]) for seq in sequences],
            options=pb.ExpandOptions(
                return_leaf_states=return_leaf_states,
                leaf_observations_only=leaf_observations_only,
            ),
        )
        if from_handle_id is not None:
            req.from_handle_id = (
                from_handle_id.id if isinstance(from_handle_id, types_pb.StateHandle) else from_handle_id
            )
        return list(self._call("Expand", req).branches)

    def expert_plan(
        self, session_id: str, from_handle_id: Union[None, str, types_pb.StateHandle] = None
    ) -> pb.ExpertPlanResponse:
        """The environment expert's plan from the session's state (or ``from_handle_id``);
        the session is untouched. ``reaches_goal`` tells whether it is a full solution."""
        req = pb.ExpertPlanRequest(session_id=session_id)
        if from_handle_id is not None:
            req.from_handle_id = (
                from_handle_id.id if isinstance(from_handle_id, types_pb.StateHandle) else from_handle_id
            )
        return self._call("ExpertPlan", req)
