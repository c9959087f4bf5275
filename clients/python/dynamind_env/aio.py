"""The asyncio client, on ``grpc.aio``: :class:`AsyncEnvClient` (one coroutine per RPC,
the same arguments and returns as :class:`~dynamind_env.client.EnvClient`) and
:class:`AsyncDynamindEnv` (one session, like :class:`~dynamind_env.env.DynamindEnv`).

    import asyncio
    from dynamind_env.aio import AsyncDynamindEnv

    async def main():
        async with await AsyncDynamindEnv.create("127.0.0.1:50051", "sokoban") as env:
            obs, info = await env.reset(seed=0)
            saved = await env.clone()
            obs, reward, terminated, truncated, info = await env.step("Up")
            await env.restore(saved)

    asyncio.run(main())
"""

from __future__ import annotations

import asyncio
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

import grpc
import grpc.aio

from . import _rpc
from ._proto import env_service_pb2 as pb
from ._proto import env_service_pb2_grpc as pb_grpc
from ._proto import types_pb2 as types_pb
from ._deltas import Observations
from ._rpc import ActionLike, HandleLike, StateLike
from .env import _info, observation_to_dict
from .errors import DynamindError

__all__ = ["AsyncDynamindEnv", "AsyncEnvClient"]


class AsyncEnvClient:
    """A ``grpc.aio`` connection to one dynamind server, or to a proxy in front of many
    (calls carry their routing key); see :class:`EnvClient` for the arguments. Create it
    inside a running event loop; ``await client.close()``."""

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
            self._channel = grpc.aio.secure_channel(address, credentials, options=opts)
        else:
            self._channel = grpc.aio.insecure_channel(address, options=opts)
        self._stub = pb_grpc.EnvServiceStub(self._channel)
        self._metadata = _rpc.auth_metadata(token)
        self.address = address
        self.timeout = timeout
        # What each session holds, as in the sync client: lists left out and deltas are filled in here.
        self._obs = Observations()

    @property
    def deltas_applied(self) -> int:
        """Texts and valid-action lists rebuilt from deltas so far (sessions with ``deltas=True``)."""
        return self._obs.deltas_applied

    async def _run(self, call: "_rpc.Call", route: Optional[str] = None):
        method, request, unpack = call
        try:
            metadata = _rpc.call_metadata(self._metadata, request, route)
            reply = await getattr(self._stub, method)(request, timeout=self.timeout, metadata=metadata)
        except grpc.RpcError as err:
            raise DynamindError.from_rpc_error(err) from None
        return unpack(reply)

    async def close(self) -> None:
        await self._channel.close()

    async def __aenter__(self) -> "AsyncEnvClient":
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    async def list_envs(self) -> List[types_pb.EnvSpec]:
        return await self._run(_rpc.build_list_envs())

    async def create_session(
        self,
        env_id: str,
        config: Union[None, str, Mapping[str, Any]] = None,
        observation_kinds: Optional[Iterable[Union[int, str]]] = None,
        max_steps: Optional[int] = None,
        *,
        route: Optional[str] = None,
        observation: Optional[Mapping[str, Any]] = None,
    ) -> pb.CreateSessionResponse:
        """``observation`` as in the sync client, e.g. ``{"valid_actions": "changed", "deltas": True}``."""
        call = _rpc.build_create_session(env_id, config, observation_kinds, max_steps, observation)
        return await self._run(call, _rpc.route_to(route) if route is not None else None)

    async def close_session(self, session_id: str) -> None:
        await self._run(_rpc.build_close_session(session_id))
        self._obs.forget(session_id)

    async def reset(
        self, session_id: str, seed: Optional[int] = None, options=None, observation: Optional[Mapping[str, Any]] = None
    ) -> types_pb.StepResult:
        result = await self._run(_rpc.build_reset(session_id, seed, options, observation, self._obs.known(session_id)))
        return self._obs.seen(session_id, result)

    async def step(self, session_id: str, action: ActionLike, observation: Optional[Mapping[str, Any]] = None) -> types_pb.StepResult:
        result = await self._run(_rpc.build_step(session_id, action, observation, self._obs.known(session_id)))
        return self._obs.seen(session_id, result)

    async def batch_step(self, steps: Iterable[tuple]) -> List[Union[types_pb.StepResult, DynamindError]]:
        steps = list(steps)
        groups = list(_rpc.group_by_route([sid for sid, _ in steps]).values())
        known = self._obs.known_all()
        if len(groups) <= 1:
            return self._obs.seen_batch([sid for sid, _ in steps], await self._run(_rpc.build_batch_step(steps, known)))
        # Behind a proxy, one BatchStep per server involved.
        replies = await asyncio.gather(*(self._run(_rpc.build_batch_step([steps[i] for i in g], known)) for g in groups))
        out: list = [None] * len(steps)
        for indexes, items in zip(groups, replies):
            self._obs.seen_batch([steps[i][0] for i in indexes], items)
            for i, item in zip(indexes, items):
                out[i] = item
        return out

    async def clone_state(self, session_id: str, portable: bool = False) -> pb.CloneStateResponse:
        return await self._run(_rpc.build_clone_state(session_id, portable))

    async def restore_state(
        self, session_id: str, state: StateLike, observation: Optional[Mapping[str, Any]] = None
    ) -> types_pb.StepResult:
        result = await self._run(_rpc.build_restore_state(session_id, state, observation, self._obs.known(session_id)))
        return self._obs.seen(session_id, result)

    async def release_state(self, handle_ids) -> int:
        if isinstance(handle_ids, (str, types_pb.StateHandle)):
            handle_ids = [handle_ids]
        ids = [_rpc.handle_id(h) for h in handle_ids]
        groups = _rpc.group_by_route(ids) or {None: []}
        released = await asyncio.gather(*(self._run(_rpc.build_release_state([ids[i] for i in g])) for g in groups.values()))
        return sum(released)

    async def fork(
        self,
        session_id: Optional[str] = None,
        *,
        handle_id: Optional[HandleLike] = None,
        portable_state: Optional[bytes] = None,
    ) -> pb.ForkResponse:
        forked = await self._run(_rpc.build_fork(session_id, handle_id, portable_state))
        self._obs.seen(forked.session_id, forked.result)
        return forked

    async def expand(
        self,
        session_id: str,
        sequences: Iterable[Iterable[ActionLike]],
        from_handle_id: Optional[HandleLike] = None,
        return_leaf_states: bool = False,
        leaf_observations_only: bool = False,
        observation: Optional[Mapping[str, Any]] = None,
    ) -> List[pb.Branch]:
        branches = await self._run(
            _rpc.build_expand(
                session_id, sequences, from_handle_id, return_leaf_states, leaf_observations_only, observation, self._obs.known(session_id)
            )
        )
        return self._obs.seen_expand(session_id, branches)

    async def expert_plan(self, session_id: str, from_handle_id: Optional[HandleLike] = None) -> pb.ExpertPlanResponse:
        return await self._run(_rpc.build_expert_plan(session_id, from_handle_id))


class AsyncDynamindEnv:
    """One session with Gymnasium-style ``reset``/``step`` coroutines and dict observations
    (as :class:`DynamindEnv`). Build it with ``await AsyncDynamindEnv.create(...)``."""

    def __init__(self, client: AsyncEnvClient, env_id: str, session_id: str, spec: types_pb.EnvSpec, owns_client: bool):
        self.client, self.env_id, self.session_id, self.spec = client, env_id, session_id, spec
        self._owns_client = owns_client

    @classmethod
    async def create(
        cls,
        address: Optional[str],
        env_id: str,
        config: Union[None, str, Mapping[str, Any]] = None,
        *,
        token: Optional[str] = None,
        observation_kinds=None,
        max_steps: Optional[int] = None,
        timeout: Optional[float] = 30.0,
        client: Optional[AsyncEnvClient] = None,
        observation: Optional[Mapping[str, Any]] = None,
    ) -> "AsyncDynamindEnv":
        owns = client is None
        if client is None:
            if address is None:
                raise ValueError("give an address or a client")
            client = AsyncEnvClient(address, token=token, timeout=timeout)
        try:
            created = await client.create_session(env_id, config, observation_kinds, max_steps, observation=observation)
        except BaseException:
            if owns:
                await client.close()
            raise
        return cls(client, env_id, created.session_id, created.spec, owns)

    def _session(self) -> str:
        if self.session_id is None:
            raise RuntimeError("the environment is closed")
        return self.session_id

    async def reset(self, *, seed: Optional[int] = None, options=None) -> Tuple[Dict[str, Any], Dict[str, Any]]:
        result = await self.client.reset(self._session(), seed=seed, options=options)
        return observation_to_dict(result.observation), _info(result)

    async def step(self, action: ActionLike):
        result = await self.client.step(self._session(), action)
        return observation_to_dict(result.observation), result.reward, result.terminated, result.truncated, _info(result)

    async def clone(self, portable: bool = False) -> Union[str, bytes]:
        resp = await self.client.clone_state(self._session(), portable=portable)
        return resp.portable_state if portable else resp.handle.id

    async def restore(self, state: StateLike) -> Tuple[Dict[str, Any], Dict[str, Any]]:
        result = await self.client.restore_state(self._session(), state)
        return observation_to_dict(result.observation), _info(result)

    async def fork(self, state: Optional[StateLike] = None) -> "AsyncDynamindEnv":
        if state is None:
            forked = await self.client.fork(self._session())
        elif isinstance(state, (bytes, bytearray)):
            forked = await self.client.fork(portable_state=bytes(state))
        else:
            forked = await self.client.fork(handle_id=state)
        return AsyncDynamindEnv(self.client, self.env_id, forked.session_id, forked.spec, False)

    async def expand(self, sequences, from_state: Optional[str] = None, return_leaf_states: bool = False):
        return await self.client.expand(self._session(), sequences, from_state, return_leaf_states)

    async def close(self) -> None:
        session_id, self.session_id = self.session_id, None
        try:
            if session_id is not None:
                try:
                    await self.client.close_session(session_id)
                except DynamindError as err:
                    if not err.nothing_to_close:
                        raise
        finally:
            if self._owns_client and session_id is not None:
                await self.client.close()

    async def __aenter__(self) -> "AsyncDynamindEnv":
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()
