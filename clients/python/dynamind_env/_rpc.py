"""Requests and reply unpacking shared by the synchronous and the asyncio clients.

Each ``build_*`` function returns ``(method, request, unpack)``: the ``EnvService`` method
name, the request message and a function turning the reply into what the client method
returns. :class:`~dynamind_env.client.EnvClient` calls the method and unpacks;
:class:`~dynamind_env.aio.AsyncEnvClient` awaits it and unpacks. Keeping them here means
both clients send the same bytes for the same arguments.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from ._deltas import Held
from ._proto import env_service_pb2 as pb
from ._proto import types_pb2 as types_pb
from .errors import DynamindError

#: What may be passed as an action: an index (int), a text command (str), a JSON
#: object (dict, sent as JSON text) or a ready ``Action`` message.
ActionLike = Union[int, str, Mapping[str, Any], types_pb.Action]
#: A saved state: a handle id, a ``StateHandle`` or portable bytes.
StateLike = Union[str, bytes, bytearray, types_pb.StateHandle]
HandleLike = Union[str, types_pb.StateHandle]

Call = Tuple[str, Any, Callable[[Any], Any]]


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
    # numpy integers (and 0-d integer arrays) and the like
    if hasattr(action, "__index__"):
        return to_action(int(action.__index__()))
    raise TypeError(f"unsupported action type {type(action).__name__}: use int, str or dict")


def json_text(value: Union[None, str, Mapping[str, Any]], what: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return json.dumps(dict(value))
    raise TypeError(f"{what} must be a dict, a JSON string or None, got {type(value).__name__}")


def observation_kind(kind: Union[int, str]) -> int:
    """An ``ObservationKind`` value from a value or a name (``"text"``, ``"IMAGE"``...)."""
    if isinstance(kind, int):
        return kind
    name = kind.upper()
    if not name.startswith("OBSERVATION_KIND_"):
        name = "OBSERVATION_KIND_" + name
    return types_pb.ObservationKind.Value(name)


def handle_id(handle: HandleLike) -> str:
    return handle.id if isinstance(handle, types_pb.StateHandle) else handle


def parse_info(result: types_pb.StepResult) -> dict:
    """``StepResult.info_json`` as a dict (empty when there is none)."""
    if not result.info_json:
        return {}
    info = json.loads(result.info_json)
    return info if isinstance(info, dict) else {"value": info}


def _result(resp):
    return resp.result


def _same(resp):
    return resp


def build_list_envs() -> Call:
    return "ListEnvs", pb.ListEnvsRequest(), lambda resp: list(resp.envs)


_VALID_ACTIONS = {
    "always": types_pb.VALID_ACTIONS_ALWAYS,
    "changed": types_pb.VALID_ACTIONS_WHEN_CHANGED,
    "never": types_pb.VALID_ACTIONS_NEVER,
}
_PARTS = {"text": "omit_text", "image": "omit_image", "ui_elements": "omit_ui_elements", "fingerprint": "omit_fingerprint", "info": "omit_info"}


def observation_options(choice: Optional[Mapping[str, Any]]) -> Optional[types_pb.ObservationOptions]:
    """``{"fingerprint": False, "info": False, "valid_actions": "changed", "deltas": True}`` -> ObservationOptions.
    Every part (text, image, ui_elements, fingerprint, info) is sent unless set to False;
    ``valid_actions`` is "always" (default), "changed" or "never"; ``deltas=True`` lets the
    server send texts (and, with "changed", valid-action lists) as line deltas, which the
    client rebuilds."""
    if choice is None:
        return None
    out = types_pb.ObservationOptions()
    for key, value in choice.items():
        if key == "valid_actions":
            if value not in _VALID_ACTIONS:
                raise ValueError(f"valid_actions must be one of {sorted(_VALID_ACTIONS)}, got {value!r}")
            out.valid_actions = _VALID_ACTIONS[value]
        elif key == "deltas":
            out.deltas = value is True
        elif key in _PARTS:
            setattr(out, _PARTS[key], value is False)
        else:
            raise ValueError(f"unknown observation option {key!r}; options: {sorted(_PARTS) + ['deltas', 'valid_actions']}")
    return out


def _observe(req, observation: Optional[Mapping[str, Any]], known: Optional[Held]):
    """Sets a request's per-call observation fields: the options, and the list and text the session holds."""
    opts = observation_options(observation)
    if opts is not None:
        req.observation_options.CopyFrom(opts)
    if known is not None:
        if known.list_hash is not None:
            req.known_valid_actions_hash = known.list_hash
        if known.text_hash is not None:
            req.known_text_hash = known.text_hash
    return req


def build_create_session(
    env_id: str,
    config: Union[None, str, Mapping[str, Any]] = None,
    observation_kinds: Optional[Iterable[Union[int, str]]] = None,
    max_steps: Optional[int] = None,
    observation: Optional[Mapping[str, Any]] = None,
) -> Call:
    req = pb.CreateSessionRequest(
        env_id=env_id,
        config_json=json_text(config, "config"),
        observation_kinds=[observation_kind(k) for k in observation_kinds or ()],
    )
    if max_steps is not None:
        req.max_steps = max_steps
    _observe(req, observation, None)
    return "CreateSession", req, _same


def build_close_session(session_id: str) -> Call:
    return "CloseSession", pb.CloseSessionRequest(session_id=session_id), lambda resp: None


def build_reset(
    session_id: str,
    seed: Optional[int] = None,
    options: Union[None, str, Mapping[str, Any]] = None,
    observation: Optional[Mapping[str, Any]] = None,
    known: Optional[Held] = None,
) -> Call:
    req = _observe(pb.ResetRequest(session_id=session_id, options_json=json_text(options, "options")), observation, known)
    if seed is not None:
        req.seed = int(seed)
    return "Reset", req, _result


def build_step(
    session_id: str, action: ActionLike, observation: Optional[Mapping[str, Any]] = None, known: Optional[Held] = None
) -> Call:
    return "Step", _observe(pb.StepRequest(session_id=session_id, action=to_action(action)), observation, known), _result


def _batch_items(resp) -> List[Union[types_pb.StepResult, DynamindError]]:
    out: List[Union[types_pb.StepResult, DynamindError]] = []
    for item in resp.items:
        if item.WhichOneof("outcome") == "error":
            out.append(DynamindError.from_detail(item.error))
        else:
            out.append(item.result)
    return out


def build_batch_step(steps: Iterable[tuple], known: Optional[Mapping[str, Held]] = None) -> Call:
    """``known``: what each session holds (see _deltas.Observations), by session id."""
    known = known or {}
    req = pb.BatchStepRequest(
        steps=[_observe(pb.StepRequest(session_id=sid, action=to_action(a)), None, known.get(sid)) for sid, a in steps]
    )
    return "BatchStep", req, _batch_items


def build_clone_state(session_id: str, portable: bool = False) -> Call:
    return "CloneState", pb.CloneStateRequest(session_id=session_id, portable=portable), _same


def build_restore_state(
    session_id: str, state: StateLike, observation: Optional[Mapping[str, Any]] = None, known: Optional[Held] = None
) -> Call:
    req = _observe(pb.RestoreStateRequest(session_id=session_id), observation, known)
    if isinstance(state, (bytes, bytearray)):
        req.portable_state = bytes(state)
    elif isinstance(state, types_pb.StateHandle):
        req.handle_id = state.id
    elif isinstance(state, str):
        req.handle_id = state
    else:
        raise TypeError(f"state must be a handle id, a StateHandle or bytes, got {type(state).__name__}")
    return "RestoreState", req, _result


def build_release_state(handle_ids: Union[HandleLike, Iterable[HandleLike]]) -> Call:
    if isinstance(handle_ids, (str, types_pb.StateHandle)):
        handle_ids = [handle_ids]
    req = pb.ReleaseStateRequest(handle_ids=[handle_id(h) for h in handle_ids])
    return "ReleaseState", req, lambda resp: resp.released


def build_fork(
    session_id: Optional[str] = None,
    handle: Optional[HandleLike] = None,
    portable_state: Optional[bytes] = None,
) -> Call:
    given = [x is not None for x in (session_id, handle, portable_state)]
    if sum(given) != 1:
        raise ValueError("fork needs exactly one of session_id, handle_id, portable_state")
    if session_id is not None:
        req = pb.ForkRequest(session_id=session_id)
    elif handle is not None:
        req = pb.ForkRequest(handle_id=handle_id(handle))
    else:
        req = pb.ForkRequest(portable_state=bytes(portable_state))
    return "Fork", req, _same


def build_expand(
    session_id: str,
    sequences: Iterable[Iterable[ActionLike]],
    from_handle_id: Optional[HandleLike] = None,
    return_leaf_states: bool = False,
    leaf_observations_only: bool = False,
    observation: Optional[Mapping[str, Any]] = None,
    known: Optional[Held] = None,
) -> Call:
    req = pb.ExpandRequest(
        session_id=session_id,
        sequences=[pb.ActionSequence(actions=[to_action(a) for a in seq]) for seq in sequences],
        options=_observe(
            pb.ExpandOptions(return_leaf_states=return_leaf_states, leaf_observations_only=leaf_observations_only),
            observation,
            known,
        ),
    )
    if from_handle_id is not None:
        req.from_handle_id = handle_id(from_handle_id)
    return "Expand", req, lambda resp: list(resp.branches)


def build_expert_plan(session_id: str, from_handle_id: Optional[HandleLike] = None) -> Call:
    req = pb.ExpertPlanRequest(session_id=session_id)
    if from_handle_id is not None:
        req.from_handle_id = handle_id(from_handle_id)
    return "ExpertPlan", req, _same


def channel_options(options) -> list:
    return [
        ("grpc.max_receive_message_length", 256 * 1024 * 1024),
        ("grpc.max_send_message_length", 256 * 1024 * 1024),
        *options,
    ]


def auth_metadata(token: Optional[str]) -> tuple:
    return (("authorization", f"Bearer {token}"),) if token else ()


#: The request header a proxy in front of many servers routes on (see env_service.proto):
#: session and state ids are ``<server-id>.<opaque part>`` and the server id is the key.
ROUTE_HEADER = "x-dynamind-route"
# The server's rule for its ids (a DNS label), so a malformed id never becomes a header.
_SERVER_ID = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")


def route_of(ident: Optional[str]) -> Optional[str]:
    """The server id a session or handle id names; None for ids without one."""
    if not ident:
        return None
    prefix, dot, _ = ident.partition(".")
    return prefix if dot and _SERVER_ID.fullmatch(prefix) else None


def route_of_request(request) -> Optional[str]:
    """The routing key of an EnvService request: its session's, else (Fork) its source's,
    else (ReleaseState, BatchStep) its first item's; callers split those by key first."""
    if isinstance(request, pb.ForkRequest):
        which = request.WhichOneof("source")
        return route_of(getattr(request, which)) if which in ("session_id", "handle_id") else None
    if isinstance(request, pb.ReleaseStateRequest):
        return route_of(request.handle_ids[0]) if request.handle_ids else None
    if isinstance(request, pb.BatchStepRequest):
        return route_of(request.steps[0].session_id) if request.steps else None
    return route_of(getattr(request, "session_id", None))


def route_to(server_or_id: str) -> str:
    """The routing key for a server id, or for an id that server issued."""
    route = route_of(server_or_id) or route_of(f"{server_or_id}.")
    if route is None:
        raise ValueError("a route is a server id (a lower-case DNS label) or an id a server issued")
    return route


def call_metadata(base: tuple, request, route: Optional[str] = None) -> tuple:
    """``base`` plus the routing key (``route``, else the request's own), when there is one."""
    route = route or route_of_request(request)
    return base + ((ROUTE_HEADER, route),) if route else base



def group_by_route(ids: Sequence[str]) -> Dict[Optional[str], List[int]]:
    """Indexes of ``ids`` by routing key, so each group can go to its own server."""
    groups: Dict[Optional[str], List[int]] = {}
    for i, ident in enumerate(ids):
        groups.setdefault(route_of(ident), []).append(i)
    return groups
