"""Gymnasium environments over a dynamind server (needs the ``gym`` extra).

    import gymnasium as gym
    import dynamind_env  # registers the ids below when gymnasium is installed

    env = gym.make("dynamind/Sokoban-v0", address="127.0.0.1:50051", render_mode="rgb_array")
    obs, info = env.reset(seed=0)
    obs, reward, terminated, truncated, info = env.step(env.action_space.sample())

Registered ids (``dynamind/<Name>-v0``; every one is a :class:`DynamindGymEnv` on the
server environment named in :data:`ENV_IDS`, and ``gym.make_vec`` builds a
:class:`~dynamind_env.vector.DynamindVectorEnv` over ``BatchStep``):

==========================  ==================  ===================================
id                          server env          actions
==========================  ==================  ===================================
``dynamind/Sokoban-v0``     ``sokoban``         ``Discrete(9)`` (gym-sokoban's)
``dynamind/ALFWorld-v0``    ``alfworld``        text commands (:class:`UnicodeText`)
``dynamind/AndroidWeb-v0``  ``android-web``     JSON actions as text (:class:`JsonActionText`)
``dynamind/Android-v0``     ``android-appium``  JSON actions as text (needs a device)
==========================  ==================  ===================================

Spaces are read from the environment's ``EnvSpec``:

- ``action_space``: ``Discrete(n)`` when the environment names its discrete actions;
  otherwise :class:`~dynamind_env.spaces.JsonActionText` when it takes JSON actions,
  else :class:`~dynamind_env.spaces.UnicodeText` commands. ``step`` also accepts any
  action the protocol does (an ``int``, a ``str`` command, a ``dict``).
- ``observation_space``: a ``Dict`` with one key per observation kind of the session:
  ``"text"`` (:class:`UnicodeText`), ``"image"`` (``Box(0, 255, (H, W, 3), uint8)``; the
  shape is read from a first reset when ``image_shape`` is not given) and
  ``"ui_elements"`` (a ``Sequence`` of ``Dict``, AndroidWorld's UIElement fields; booleans
  as ``Discrete(2)``, ``bbox_pixels`` as int32 and the normalised ``bbox`` as float64
  ``[x_min, x_max, y_min, y_max]``, -1 when absent; the free-form ``metadata`` map has no
  fixed space and is left out here — :class:`DynamindEnv` returns it).

``info`` carries the step's ``info_json`` plus ``step_index``, ``valid_actions`` (the
admissible actions, when the environment knows them) and ``fingerprint``.

Seeding follows Gymnasium: ``reset(seed=s)`` sends ``s`` to the server (the same episode
as any other client resetting with ``s``) and seeds :attr:`np_random`; ``reset()`` without
a seed sends a seed drawn from :attr:`np_random`, so a seeded environment's later episodes
are reproducible too. Clone/restore/fork/expand are methods of the environment.
"""

from __future__ import annotations

import os
from typing import Any, Dict, Iterable, List, Mapping, NamedTuple, Optional, Sequence, Tuple, Union

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from ._images import image_to_array
from ._proto import types_pb2 as types_pb
from ._rpc import ActionLike, StateLike, parse_info
from .client import DynamindError, EnvClient
from .spaces import JsonActionText, UnicodeText

__all__ = ["DynamindGymEnv", "ENV_IDS", "ExpandedBranch", "register_envs"]

#: Gymnasium name (under the ``dynamind/`` namespace) -> server environment id.
ENV_IDS: Dict[str, str] = {
    "Sokoban-v0": "sokoban",
    "ALFWorld-v0": "alfworld",
    "AndroidWeb-v0": "android-web",
    "Android-v0": "android-appium",
}

DEFAULT_ADDRESS = "127.0.0.1:50051"
#: Longest text observation the space admits (characters).
TEXT_MAX_LENGTH = 1 << 20
#: Longest text command the action space samples or admits.
ACTION_MAX_LENGTH = 1024

_KIND_NAMES = {
    types_pb.OBSERVATION_KIND_TEXT: "text",
    types_pb.OBSERVATION_KIND_IMAGE: "image",
    types_pb.OBSERVATION_KIND_UI_ELEMENTS: "ui_elements",
}
_COMMAND_CHARSET = "abcdefghijklmnopqrstuvwxyz0123456789 "
_UI_FIELDS = types_pb.UiElement.DESCRIPTOR.fields
_UI_BOOLS = [f.name for f in _UI_FIELDS if f.type == f.TYPE_BOOL]
_UI_STRINGS = [f.name for f in _UI_FIELDS if f.type == f.TYPE_STRING]
_I32 = np.iinfo(np.int32)


def ui_element_space(text_max_length: int = TEXT_MAX_LENGTH) -> spaces.Dict:
    """The space of one UI element (AndroidWorld's UIElement fields)."""
    fields: Dict[str, spaces.Space] = {name: UnicodeText(text_max_length) for name in _UI_STRINGS}
    fields.update({name: spaces.Discrete(2) for name in _UI_BOOLS})
    fields["bbox_pixels"] = spaces.Box(low=_I32.min, high=_I32.max, shape=(4,), dtype=np.int32)
    fields["bbox"] = spaces.Box(low=-np.inf, high=np.inf, shape=(4,), dtype=np.float64)
    return spaces.Dict(fields)


def _ui_element(el: types_pb.UiElement) -> Dict[str, Any]:
    out: Dict[str, Any] = {name: getattr(el, name) for name in _UI_STRINGS}
    out.update({name: np.int64(getattr(el, name)) for name in _UI_BOOLS})
    if el.HasField("bbox_pixels"):
        b = el.bbox_pixels
        out["bbox_pixels"] = np.array([b.x_min, b.x_max, b.y_min, b.y_max], dtype=np.int32)
    else:
        out["bbox_pixels"] = np.full(4, -1, dtype=np.int32)
    if el.HasField("bbox"):
        n = el.bbox
        out["bbox"] = np.array([n.x_min, n.x_max, n.y_min, n.y_max], dtype=np.float64)
    else:
        out["bbox"] = np.full(4, -1.0, dtype=np.float64)
    return out


class ExpandedBranch(NamedTuple):
    """One sequence of :meth:`DynamindGymEnv.expand`: a ``(obs, reward, terminated,
    truncated, info)`` tuple per action taken (stopping at the episode's end), and the
    leaf state's handle id when asked for."""

    steps: List[Tuple[Dict[str, Any], float, bool, bool, Dict[str, Any]]]
    leaf_state: Optional[str]


class DynamindGymEnv(gym.Env):
    """One server session as a ``gymnasium.Env``.

    Args:
        env_id: the server's environment id (``"sokoban"``, ``"alfworld"``, ``"android-web"``...).
        address: ``"host:port"``; default ``$DYNAMIND_ADDRESS``, else ``127.0.0.1:50051``.
        config: the environment config (dict or JSON text), e.g. ``{"preset": "8x8-2box"}``.
        render_mode: ``"ansi"`` (the text observation) or ``"rgb_array"`` (the image) or None.
            The session asks for the kind the mode needs.
        observation_kinds: e.g. ``["text", "image"]``; default: the environment's defaults.
        max_steps: overrides the environment's step budget (0 = none).
        token: bearer token. timeout: per-call deadline in seconds.
        client: an :class:`EnvClient` to share (then ``close`` leaves it open).
        image_shape: ``(height, width)`` of image observations; read from a first reset when None.
    """

    metadata = {"render_modes": ["ansi", "rgb_array"], "render_fps": 4}

    def __init__(
        self,
        env_id: str = "sokoban",
        address: Optional[str] = None,
        config: Union[None, str, Mapping[str, Any]] = None,
        *,
        render_mode: Optional[str] = None,
        observation_kinds: Optional[Iterable[Union[int, str]]] = None,
        max_steps: Optional[int] = None,
        token: Optional[str] = None,
        timeout: Optional[float] = 30.0,
        client: Optional[EnvClient] = None,
        image_shape: Optional[Sequence[int]] = None,
        _session: Optional[Tuple[str, types_pb.EnvSpec]] = None,
    ):
        if client is None:
            client = EnvClient(address or os.environ.get("DYNAMIND_ADDRESS") or DEFAULT_ADDRESS, token=token, timeout=timeout)
            self._owns_client = True
        else:
            self._owns_client = False
        self.client = client
        self.env_id = env_id
        self.session_id: Optional[str] = None
        self._last: Optional[types_pb.StepResult] = None
        try:
            if _session is None:
                spec = self._describe(env_id)
                kinds = self._kinds(spec, observation_kinds, render_mode)
                created = client.create_session(env_id, config, kinds, max_steps)
                self.session_id, self.env_spec = created.session_id, created.spec
            else:
                kinds = list(observation_kinds or ())
                self.session_id, self.env_spec = _session
            self.kinds: List[int] = sorted(kinds)
            self._init_spaces(render_mode, image_shape)
        except BaseException:
            self.close()
            raise

    # -- construction --------------------------------------------------------------

    def _describe(self, env_id: str) -> types_pb.EnvSpec:
        for spec in self.client.list_envs():
            if spec.id == env_id:
                return spec
        raise gym.error.Error(f"the server at {self.client.address} has no environment {env_id!r}")

    @staticmethod
    def _kinds(spec: types_pb.EnvSpec, requested, render_mode: Optional[str]) -> List[int]:
        from ._rpc import observation_kind

        kinds = {observation_kind(k) for k in requested} if requested else set(spec.default_observation_kinds)
        if render_mode == "ansi":
            kinds.add(types_pb.OBSERVATION_KIND_TEXT)
        elif render_mode == "rgb_array":
            kinds.add(types_pb.OBSERVATION_KIND_IMAGE)
        unsupported = kinds - set(spec.observation_kinds)
        if unsupported:
            names = sorted(_KIND_NAMES.get(k, str(k)) for k in unsupported)
            raise gym.error.Error(f"{spec.id} cannot observe {names} (render_mode={render_mode!r})")
        return sorted(kinds)

    def _init_spaces(self, render_mode: Optional[str], image_shape: Optional[Sequence[int]]) -> None:
        spec = self.env_spec
        supported = set(spec.observation_kinds)
        modes = []
        if types_pb.OBSERVATION_KIND_TEXT in supported:
            modes.append("ansi")
        if types_pb.OBSERVATION_KIND_IMAGE in supported:
            modes.append("rgb_array")
        self.metadata = {**type(self).metadata, "render_modes": modes}
        if render_mode is not None and render_mode not in modes:
            raise gym.error.Error(f"render_mode {render_mode!r} is not one of {modes} for {spec.id}")
        self.render_mode = render_mode

        action_kinds = list(spec.action_spec.kinds)
        self._json_as_text = types_pb.ACTION_KIND_TEXT in action_kinds
        if types_pb.ACTION_KIND_INDEX in action_kinds and spec.action_spec.discrete_names:
            self.action_space = spaces.Discrete(len(spec.action_spec.discrete_names))
        elif types_pb.ACTION_KIND_JSON in action_kinds:
            self.action_space = JsonActionText(spec.action_spec.json_schema)
        else:
            self.action_space = UnicodeText(ACTION_MAX_LENGTH, min_length=1, charset=_COMMAND_CHARSET)

        obs: Dict[str, spaces.Space] = {}
        if types_pb.OBSERVATION_KIND_TEXT in self.kinds:
            obs["text"] = UnicodeText(TEXT_MAX_LENGTH)
        if types_pb.OBSERVATION_KIND_IMAGE in self.kinds:
            if image_shape is None:
                # One reset tells the size; the user's first reset starts the real episode.
                probe = self.client.reset(self._session(), seed=0).observation
                image_shape = (probe.image.height, probe.image.width)
            height, width = int(image_shape[0]), int(image_shape[1])
            obs["image"] = spaces.Box(0, 255, shape=(height, width, 3), dtype=np.uint8)
        if types_pb.OBSERVATION_KIND_UI_ELEMENTS in self.kinds:
            obs["ui_elements"] = spaces.Sequence(ui_element_space(), stack=False)
        self.observation_space = spaces.Dict(obs)

    # -- conversions (shared with the vector env) ----------------------------------

    @property
    def action_names(self) -> List[str]:
        """Names of the discrete actions (index ``i`` is ``action_names[i]``); empty when none."""
        return list(self.env_spec.action_spec.discrete_names)

    def to_action(self, action: Any) -> Union[ActionLike, types_pb.Action]:
        """An element of the action space (or any protocol action) as sent to the server."""
        if isinstance(action, np.ndarray) and action.ndim == 0:
            action = action.item()
        if isinstance(action, str) and isinstance(self.action_space, JsonActionText) and not self._json_as_text:
            return types_pb.Action(json=str(action))
        if isinstance(action, np.str_):
            return str(action)
        return action

    def observation(self, obs: types_pb.Observation) -> Dict[str, Any]:
        """An ``Observation`` message as an element of :attr:`observation_space`."""
        out: Dict[str, Any] = {}
        if types_pb.OBSERVATION_KIND_TEXT in self.kinds:
            out["text"] = obs.text
        if types_pb.OBSERVATION_KIND_IMAGE in self.kinds:
            box = self.observation_space["image"]
            out["image"] = image_to_array(obs.image) if obs.HasField("image") else np.zeros(box.shape, np.uint8)
        if types_pb.OBSERVATION_KIND_UI_ELEMENTS in self.kinds:
            out["ui_elements"] = tuple(_ui_element(el) for el in obs.ui_elements)
        return out

    @staticmethod
    def info(result: types_pb.StepResult) -> Dict[str, Any]:
        info = parse_info(result)
        info["step_index"] = result.step_index
        info["valid_actions"] = list(result.observation.valid_actions)
        info["fingerprint"] = result.observation.fingerprint
        return info

    def _accept(self, result: types_pb.StepResult) -> Tuple[Dict[str, Any], Dict[str, Any]]:
        self._last = result
        return self.observation(result.observation), self.info(result)

    def _accept_step(self, result: types_pb.StepResult):
        obs, info = self._accept(result)
        return obs, float(result.reward), bool(result.terminated), bool(result.truncated), info

    def _reset_args(self, seed: Optional[int], options) -> Tuple[str, int, Any]:
        """Seeds :attr:`np_random` as Gymnasium does and picks the server seed."""
        super().reset(seed=seed)
        server_seed = int(seed) if seed is not None else int(self.np_random.integers(0, 2**31 - 1))
        return self._session(), server_seed, options

    def _session(self) -> str:
        if self.session_id is None:
            raise gym.error.ClosedEnvironmentError(f"the {self.env_id} environment is closed")
        return self.session_id

    # -- gymnasium.Env -------------------------------------------------------------

    def reset(self, *, seed: Optional[int] = None, options: Optional[Dict[str, Any]] = None):
        """Starts an episode. ``options`` are the environment's reset options (e.g.
        ``{"task": ...}``), sent as JSON."""
        session_id, server_seed, options = self._reset_args(seed, options)
        return self._accept(self.client.reset(session_id, seed=server_seed, options=options))

    def step(self, action):
        return self._accept_step(self.client.step(self._session(), self.to_action(action)))

    def render(self):
        """``ansi``: the text observation; ``rgb_array``: the image as an ``(H, W, 3)`` uint8
        array. None before the first reset or without a render mode."""
        if self.render_mode is None or self._last is None:
            return None
        if self.render_mode == "ansi":
            return self._last.observation.text
        return self.observation(self._last.observation)["image"]

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
            if self._owns_client and self.client is not None:
                self.client.close()
                self._owns_client = False

    # -- dynamind extras -----------------------------------------------------------

    def clone(self, portable: bool = False) -> Union[str, bytes]:
        """Saves the current state: a server handle id, or signed bytes when ``portable``."""
        resp = self.client.clone_state(self._session(), portable=portable)
        return resp.portable_state if portable else resp.handle.id

    def restore(self, state: StateLike) -> Tuple[Dict[str, Any], Dict[str, Any]]:
        """Goes back to a state from :meth:`clone`; returns ``(obs, info)`` there."""
        return self._accept(self.client.restore_state(self._session(), state))

    def release(self, states: Union[str, Iterable[str]]) -> int:
        """Frees saved states on the server; returns how many were still held."""
        return self.client.release_state(states)

    def fork(self, state: Optional[StateLike] = None) -> "DynamindGymEnv":
        """A new environment (a new session on the same connection) starting from this one's
        current state, or from ``state`` (a handle id or portable bytes). Close it too."""
        if state is None:
            forked = self.client.fork(self._session())
        elif isinstance(state, (bytes, bytearray)):
            forked = self.client.fork(portable_state=bytes(state))
        else:
            forked = self.client.fork(handle_id=state)
        image = self.observation_space.spaces.get("image")
        env = DynamindGymEnv(
            self.env_id,
            client=self.client,
            render_mode=self.render_mode,
            observation_kinds=self.kinds,
            image_shape=image.shape[:2] if image is not None else None,
            _session=(forked.session_id, forked.spec),
        )
        env._accept(forked.result)
        return env

    def expand(
        self,
        sequences: Iterable[Iterable[Any]],
        from_state: Optional[str] = None,
        return_leaf_states: bool = False,
    ) -> List[ExpandedBranch]:
        """Runs each action sequence from the current state (or the handle ``from_state``) in
        one round trip and returns every step of every branch; the environment is untouched."""
        branches = self.client.expand(
            self._session(),
            [[self.to_action(a) for a in seq] for seq in sequences],
            from_state,
            return_leaf_states,
        )
        out = []
        for branch in branches:
            steps = []
            for result in branch.steps:
                steps.append(
                    (
                        self.observation(result.observation),
                        float(result.reward),
                        bool(result.terminated),
                        bool(result.truncated),
                        self.info(result),
                    )
                )
            out.append(ExpandedBranch(steps, branch.leaf_state.id if branch.HasField("leaf_state") else None))
        return out

    def expert_plan(self, from_state: Optional[str] = None) -> Tuple[List[Any], bool]:
        """The environment expert's actions from the current state (index, text or JSON
        dict each) and whether they reach the goal; the environment is untouched."""
        import json

        resp = self.client.expert_plan(self._session(), from_state)
        actions = []
        for a in resp.actions:
            which = a.WhichOneof("kind")
            actions.append(json.loads(a.json) if which == "json" else getattr(a, which) if which else None)
        return actions, resp.reaches_goal

    def __repr__(self) -> str:
        return f"DynamindGymEnv({self.env_id!r}, session={self.session_id!r})"


def register_envs() -> None:
    """Registers ``dynamind/<Name>-v0`` for every entry of :data:`ENV_IDS` (idempotent)."""
    for name, env_id in ENV_IDS.items():
        full = f"dynamind/{name}"
        if full in gym.registry:
            continue
        gym.register(
            id=full,
            entry_point="dynamind_env.gym_env:DynamindGymEnv",
            vector_entry_point="dynamind_env.vector:DynamindVectorEnv",
            kwargs={"env_id": env_id},
        )
