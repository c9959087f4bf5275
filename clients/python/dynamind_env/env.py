"""A Gymnasium-style wrapper around one dynamind session (no gymnasium dependency).

    with DynamindEnv("127.0.0.1:50051", "sokoban") as env:
        obs, info = env.reset(seed=0)
        while True:
            obs, reward, terminated, truncated, info = env.step(obs["valid_actions"][0])
            if terminated or truncated:
                break

An observation is a dict::

    {"text": str, "image": bytes | None, "valid_actions": [str],
     "fingerprint": str, "ui_elements": [dict]}

``info`` is the step's ``info_json`` object plus ``"step_index"`` (and ``"image"`` with
the mime type and size when an image is present).
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple, Union

from ._proto import types_pb2 as types_pb

from ._proto import env_service_pb2 as pb
from .client import ActionLike, DynamindError, EnvClient, StateLike, parse_info


def _ui_element(el: types_pb.UiElement) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for field in el.DESCRIPTOR.fields:
        if field.name in ("bbox_pixels", "bbox"):
            # Boxes as AndroidWorld's BoundingBox fields; None when the element has none.
            if el.HasField(field.name):
                b = getattr(el, field.name)
                out[field.name] = {"x_min": b.x_min, "x_max": b.x_max, "y_min": b.y_min, "y_max": b.y_max}
            else:
                out[field.name] = None
        elif field.name == "metadata":
            out["metadata"] = dict(el.metadata)
        else:
            out[field.name] = getattr(el, field.name)
    return out


def observation_to_dict(obs: types_pb.Observation) -> Dict[str, Any]:
    return {
        "text": obs.text,
        "image": obs.image.data if obs.HasField("image") else None,
        "valid_actions": list(obs.valid_actions),
        "fingerprint": obs.fingerprint,
        "ui_elements": [_ui_element(el) for el in obs.ui_elements],
    }


def _info(result: types_pb.StepResult) -> Dict[str, Any]:
    info = parse_info(result)
    info["step_index"] = result.step_index
    obs = result.observation
    if obs.HasField("image"):
        info["image"] = {"mime_type": obs.image.mime_type, "width": obs.image.width, "height": obs.image.height}
    return info


class DynamindEnv:
    """One environment session with Gymnasium's ``reset``/``step`` signatures.

    Args:
        address: server ``"host:port"``.
        env_id: a registered environment id, e.g. ``"sokoban"``.
        config: the environment config (dict or JSON text); None for defaults.
        token: bearer token.
        observation_kinds: e.g. ``["text", "image"]``; None for the environment's defaults.
        max_steps: overrides the spec's step budget (0 = none).
        timeout: per-call deadline in seconds.
        client: an existing :class:`EnvClient` to share (then ``close`` leaves it open).
        observation: what replies carry, e.g. ``{"valid_actions": "changed", "deltas": True}``
            (observations come out whole either way).
    """

    def __init__(
        self,
        address: Optional[str],
        env_id: str,
        config: Union[None, str, Mapping[str, Any]] = None,
        *,
        token: Optional[str] = None,
        observation_kinds: Optional[Iterable[Union[int, str]]] = None,
        max_steps: Optional[int] = None,
        timeout: Optional[float] = 30.0,
        client: Optional[EnvClient] = None,
        observation: Optional[Mapping[str, Any]] = None,
    ):
        if client is None:
            if address is None:
                raise ValueError("give an address or a client")
            client = EnvClient(address, token=token, timeout=timeout)
            self._owns_client = True
        else:
            self._owns_client = False
        self.client = client
        self.session_id: Optional[str] = None
        try:
            created = client.create_session(env_id, config, observation_kinds, max_steps, observation=observation)
        except BaseException:
            if self._owns_client:
                client.close()
            raise
        self.session_id = created.session_id
        #: The environment's ``EnvSpec`` message (actions, observation kinds, instructions...).
        self.spec: types_pb.EnvSpec = created.spec
        self.env_id = env_id

    @property
    def action_names(self):
        """Names of the discrete actions (index ``i`` is ``action_names[i]``)."""
        return list(self.spec.action_spec.discrete_names)

    def _session(self) -> str:
        if self.session_id is None:
            raise RuntimeError("the environment is closed")
        return self.session_id

    def reset(
        self, *, seed: Optional[int] = None, options: Union[None, str, Mapping[str, Any]] = None
    ) -> Tuple[Dict[str, Any], Dict[str, Any]]:
        result = self.client.reset(self._session(), seed=seed, options=options)
        return observation_to_dict(result.observation), _info(result)

    def step(self, action: ActionLike) -> Tuple[Dict[str, Any], float, bool, bool, Dict[str, Any]]:
        result = self.client.step(self._session(), action)
        return (
            observation_to_dict(result.observation),
            result.reward,
            result.terminated,
            result.truncated,
            _info(result),
        )

    def clone(self, portable: bool = False) -> Union[str, bytes]:
        """Saves the current state: a server handle id, or signed bytes when ``portable``."""
        resp = self.client.clone_state(self._session(), portable=portable)
        return resp.portable_state if portable else resp.handle.id

    def restore(self, handle: StateLike) -> Tuple[Dict[str, Any], Dict[str, Any]]:
        """Goes back to a state from :meth:`clone`; returns ``(obs, info)`` there."""
        result = self.client.restore_state(self._session(), handle)
        return observation_to_dict(result.observation), _info(result)

    def fork(self, state: Optional[StateLike] = None) -> "DynamindEnv":
        """A new session (on the same connection) starting from this one's current state,
        or from ``state`` (a handle from :meth:`clone` or portable bytes). Close it too."""
        if state is None:
            forked = self.client.fork(self._session())
        elif isinstance(state, (bytes, bytearray)):
            forked = self.client.fork(portable_state=bytes(state))
        else:
            forked = self.client.fork(handle_id=state)
        return DynamindEnv._adopt(self.client, self.env_id, forked.session_id, forked.spec)

    @classmethod
    def _adopt(cls, client: EnvClient, env_id: str, session_id: str, spec: types_pb.EnvSpec) -> "DynamindEnv":
        env = cls.__new__(cls)
        env.client, env._owns_client = client, False
        env.session_id, env.spec, env.env_id = session_id, spec, env_id
        return env

    def expand(
        self,
        sequences: Iterable[Iterable[ActionLike]],
        from_state: Optional[str] = None,
        return_leaf_states: bool = False,
        leaf_observations_only: bool = False,
    ) -> List[pb.Branch]:
        """Runs each action sequence from the current state (or the handle ``from_state``)
        in one round trip, leaving the session untouched; one ``Branch`` per sequence."""
        return self.client.expand(self._session(), sequences, from_state, return_leaf_states, leaf_observations_only)

    def close(self) -> None:
        """Closes the session (and the connection, unless it was given). Idempotent."""
        session_id, self.session_id = self.session_id, None
        try:
            if session_id is not None:
                try:
                    self.client.close_session(session_id)
                except DynamindError as err:
                    if not err.nothing_to_close:
                        raise
        finally:
            if self._owns_client and session_id is not None:
                self.client.close()

    def __enter__(self) -> "DynamindEnv":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"DynamindEnv({self.env_id!r}, session={self.session_id!r}, address={self.client.address!r})"
