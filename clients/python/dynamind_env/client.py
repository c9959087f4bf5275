"""A thin synchronous client of ``dynamind.env.v1.EnvService``.

Every method returns the protocol's own messages (see ``proto/dynamind/env/v1``):
``reset``/``step``/``restore_state`` give a ``StepResult``; ``list_envs`` a list of
``EnvSpec``; ``expand`` a list of ``Branch``. Failures raise :class:`DynamindError`.
The asyncio twin is :class:`dynamind_env.aio.AsyncEnvClient`.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Union

import grpc

from . import _rpc
from ._proto import env_service_pb2 as pb
from ._proto import env_service_pb2_grpc as pb_grpc
from ._proto import types_pb2 as types_pb
from ._deltas import Observations
from ._rpc import ActionLike, HandleLike, StateLike, parse_info, to_action
from .errors import DynamindError

__all__ = ["ActionLike", "DynamindError", "EnvClient", "StateLike", "parse_info", "to_action"]


class EnvClient:
    """A connection to one dynamind server, or to a proxy in front of many: every call
    about a session or state carries its routing key (the ``x-dynamind-route`` header).

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
        opts = _rpc.channel_options(options)
        if credentials is not None:
            self._channel = grpc.secure_channel(address, credentials, options=opts)
        else:
            self._channel = grpc.insecure_channel(address, options=opts)
        self._stub = pb_grpc.EnvServiceStub(self._channel)
        self._metadata = _rpc.auth_metadata(token)
        self.address = address
        self.timeout = timeout
        # What each session holds (valid-action list, text), named in requests so the server
        # can leave lists out ("changed") or send deltas; replies are made whole here.
        self._obs = Observations()

    # -- plumbing ---------------------------------------------------------------

    def _call(self, method: str, request, timeout: Optional[float] = None, route: Optional[str] = None):
        try:
            return getattr(self._stub, method)(
                request,
                timeout=self.timeout if timeout is None else timeout,
                metadata=_rpc.call_metadata(self._metadata, request, route),
            )
        except grpc.RpcError as err:
            raise DynamindError.from_rpc_error(err) from None

    def _run(self, call: "_rpc.Call"):
        method, request, unpack = call
        return unpack(self._call(method, request))

    def close(self) -> None:
        """Closes the channel (sessions stay open on the server; close them first)."""
        self._channel.close()

    def __enter__(self) -> "EnvClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- RPCs -------------------------------------------------------------------

    def list_envs(self) -> List[types_pb.EnvSpec]:
        return self._run(_rpc.build_list_envs())

    def create_session(
        self,
        env_id: str,
        config: Union[None, str, Mapping[str, Any]] = None,
        observation_kinds: Optional[Iterable[Union[int, str]]] = None,
        max_steps: Optional[int] = None,
        *,
        route: Optional[str] = None,
        observation: Optional[Mapping[str, Any]] = None,
    ) -> pb.CreateSessionResponse:
        """Opens a session. ``observation_kinds`` takes enum values or names
        (``"text"``, ``"image"``, ``"ui_elements"``). Returns ``.session_id`` and ``.spec``.
        Behind a proxy, ``route`` (a server id, or an id that server issued) picks the
        server, e.g. the one owning an Android device; otherwise the proxy picks.
        ``observation`` chooses what replies carry, e.g. ``{"fingerprint": False, "info": False,
        "valid_actions": "changed"}`` (see ``_rpc.observation_options``); with "changed" the
        client fills the lists the server leaves out, so results look the same."""
        method, request, unpack = _rpc.build_create_session(env_id, config, observation_kinds, max_steps, observation)
        return unpack(self._call(method, request, route=_rpc.route_to(route) if route is not None else None))

    def close_session(self, session_id: str) -> None:
        self._run(_rpc.build_close_session(session_id))
        self._obs.forget(session_id)

    def reset(
        self,
        session_id: str,
        seed: Optional[int] = None,
        options: Union[None, str, Mapping[str, Any]] = None,
        observation: Optional[Mapping[str, Any]] = None,
    ) -> types_pb.StepResult:
        """``observation`` replaces the session's observation options for this call."""
        return self._seen(session_id, self._run(_rpc.build_reset(session_id, seed, options, observation, self._obs.known(session_id))))

    def reset_many(self, resets: Iterable[tuple]) -> List[Union[types_pb.StepResult, DynamindError]]:
        """Resets many sessions concurrently: ``resets`` is ``[(session_id, seed, options), ...]``.
        Like :meth:`batch_step`, each item is a ``StepResult`` or a returned :class:`DynamindError`."""
        futures = []
        for session_id, seed, options in resets:
            method, request, unpack = _rpc.build_reset(session_id, seed, options, None, self._obs.known(session_id))
            metadata = _rpc.call_metadata(self._metadata, request)
            futures.append((session_id, getattr(self._stub, method).future(request, timeout=self.timeout, metadata=metadata), unpack))
        out: List[Union[types_pb.StepResult, DynamindError]] = []
        for session_id, future, unpack in futures:
            try:
                out.append(self._seen(session_id, unpack(future.result())))
            except grpc.RpcError as err:
                out.append(DynamindError.from_rpc_error(err))
        return out

    def step(self, session_id: str, action: ActionLike, observation: Optional[Mapping[str, Any]] = None) -> types_pb.StepResult:
        """``observation`` replaces the session's observation options for this call."""
        return self._seen(session_id, self._run(_rpc.build_step(session_id, action, observation, self._obs.known(session_id))))

    def _seen(self, session_id: str, result):
        """Fills in valid actions the server left out and applies deltas; remembers what the session holds."""
        return self._obs.seen(session_id, result)

    @property
    def deltas_applied(self) -> int:
        """Texts and valid-action lists rebuilt from deltas so far (sessions with ``deltas=True``)."""
        return self._obs.deltas_applied

    def batch_step(self, steps: Iterable[tuple]) -> List[Union[types_pb.StepResult, DynamindError]]:
        """Steps many sessions: ``steps`` is ``[(session_id, action), ...]``. Each item is
        a ``StepResult`` or, for a step that failed on its own, a :class:`DynamindError`
        (returned, not raised). Behind a proxy, one BatchStep goes to each server involved."""
        steps = list(steps)
        groups = _rpc.group_by_route([sid for sid, _ in steps])
        if len(groups) <= 1:
            results = self._run(_rpc.build_batch_step(steps, self._obs.known_all()))
            return self._obs.seen_batch([sid for sid, _ in steps], results)
        futures = []
        for indexes in groups.values():
            method, request, unpack = _rpc.build_batch_step([steps[i] for i in indexes], self._obs.known_all())
            metadata = _rpc.call_metadata(self._metadata, request)
            futures.append((indexes, getattr(self._stub, method).future(request, timeout=self.timeout, metadata=metadata), unpack))
        out: List[Union[types_pb.StepResult, DynamindError]] = [None] * len(steps)  # type: ignore[list-item]
        for indexes, future, unpack in futures:
            try:
                items = unpack(future.result())
            except grpc.RpcError as err:
                raise DynamindError.from_rpc_error(err) from None
            self._obs.seen_batch([steps[i][0] for i in indexes], items)
            for i, item in zip(indexes, items):
                out[i] = item
        return out

    def clone_state(self, session_id: str, portable: bool = False) -> pb.CloneStateResponse:
        """Saves the session's state: ``.handle`` (a ``StateHandle``) and, when
        ``portable``, ``.portable_state`` (signed bytes)."""
        return self._run(_rpc.build_clone_state(session_id, portable))

    def restore_state(self, session_id: str, state: StateLike, observation: Optional[Mapping[str, Any]] = None) -> types_pb.StepResult:
        """Puts the session back into ``state``: a handle id, a ``StateHandle`` or portable bytes.
        ``observation={"image": False}`` asks for a lighter reply (no screenshot taken)."""
        return self._seen(session_id, self._run(_rpc.build_restore_state(session_id, state, observation, self._obs.known(session_id))))

    def release_state(self, handle_ids: Union[HandleLike, Iterable[HandleLike]]) -> int:
        """Drops saved states; returns how many were still held."""
        if isinstance(handle_ids, (str, types_pb.StateHandle)):
            handle_ids = [handle_ids]
        ids = [_rpc.handle_id(h) for h in handle_ids]
        groups = _rpc.group_by_route(ids) or {None: []}
        return sum(self._run(_rpc.build_release_state([ids[i] for i in indexes])) for indexes in groups.values())

    def fork(
        self,
        session_id: Optional[str] = None,
        *,
        handle_id: Optional[HandleLike] = None,
        portable_state: Optional[bytes] = None,
    ) -> pb.ForkResponse:
        """Opens a new session copying a session's current state, a saved state or
        portable bytes (exactly one). Returns ``.session_id``, ``.spec`` and ``.result``."""
        forked = self._run(_rpc.build_fork(session_id, handle_id, portable_state))
        self._obs.seen(forked.session_id, forked.result)
        return forked

    def expand(
        self,
        session_id: str,
        sequences: Iterable[Iterable[ActionLike]],
        from_handle_id: Optional[HandleLike] = None,
        return_leaf_states: bool = False,
        leaf_observations_only: bool = False,
        observation: Optional[Mapping[str, Any]] = None,
    ) -> List[pb.Branch]:
        """Runs each action sequence from the session's state (or ``from_handle_id``),
        leaving the session untouched. One ``Branch`` per sequence, in order."""
        branches = self._run(
            _rpc.build_expand(
                session_id, sequences, from_handle_id, return_leaf_states, leaf_observations_only, observation, self._obs.known(session_id)
            )
        )
        # In reply order: a list or text sent once serves the nodes after it.
        return self._obs.seen_expand(session_id, branches)

    def expert_plan(self, session_id: str, from_handle_id: Optional[HandleLike] = None) -> pb.ExpertPlanResponse:
        """The environment expert's plan from the session's state (or ``from_handle_id``);
        the session is untouched. ``reaches_goal`` tells whether it is a full solution."""
        return self._run(_rpc.build_expert_plan(session_id, from_handle_id))
