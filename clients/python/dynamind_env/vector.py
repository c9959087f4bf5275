"""A ``gymnasium.vector.VectorEnv`` over ``BatchStep``: one step of every session in one call.

    import gymnasium as gym
    import dynamind_env

    envs = gym.make_vec("dynamind/Sokoban-v0", num_envs=8, address="127.0.0.1:50051")
    obs, infos = envs.reset(seed=0)
    obs, rewards, terminations, truncations, infos = envs.step(envs.action_space.sample())

Autoreset follows Gymnasium 1.x (``metadata["autoreset_mode"]``):

- ``NEXT_STEP`` (default): the step after a sub-environment terminates or truncates resets
  it, ignoring its action, and returns the reset observation and info with reward 0 and
  both flags false.
- ``SAME_STEP``: a sub-environment that ends is reset in the same step; the observation is
  the reset one and ``info["final_obs"]`` / ``info["final_info"]`` (masks ``_final_obs``,
  ``_final_info``) hold the last observation and info of the episode.
- ``DISABLED``: nothing is reset; use ``reset(options={"reset_mask": mask})``.

Every sub-environment is a :class:`~dynamind_env.gym_env.DynamindGymEnv` (``envs.envs[i]``)
on one shared connection, so clone/restore/fork/expand are there for each; :meth:`clone`
and :meth:`restore` also save and restore all of them at once.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Union

import numpy as np
from gymnasium.utils import seeding
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space, concatenate, create_empty_array, iterate

from ._rpc import StateLike
from .client import DynamindError, EnvClient
from .gym_env import DEFAULT_ADDRESS, DynamindGymEnv

__all__ = ["DynamindVectorEnv"]


class DynamindVectorEnv(VectorEnv):
    """``num_envs`` sessions of one environment, stepped together with ``BatchStep``.

    Takes :class:`DynamindGymEnv`'s arguments (``env_id``, ``address``, ``config``,
    ``observation_kinds``, ``max_steps``, ``token``, ``timeout``, ``client``,
    ``image_shape``, ``render_mode``) plus ``num_envs`` and ``autoreset_mode``.
    """

    def __init__(
        self,
        env_id: str = "sokoban",
        num_envs: int = 1,
        address: Optional[str] = None,
        config: Union[None, str, Mapping[str, Any]] = None,
        *,
        autoreset_mode: Union[str, AutoresetMode] = AutoresetMode.NEXT_STEP,
        render_mode: Optional[str] = None,
        observation_kinds: Optional[Iterable[Union[int, str]]] = None,
        max_steps: Optional[int] = None,
        token: Optional[str] = None,
        timeout: Optional[float] = 30.0,
        client: Optional[EnvClient] = None,
        image_shape: Optional[Sequence[int]] = None,
    ):
        import os

        if num_envs < 1:
            raise ValueError(f"num_envs must be >= 1, got {num_envs}")
        self._owns_client = client is None
        self.client = client or EnvClient(
            address or os.environ.get("DYNAMIND_ADDRESS") or DEFAULT_ADDRESS, token=token, timeout=timeout
        )
        self.envs: List[DynamindGymEnv] = []
        try:
            for _ in range(num_envs):
                env = DynamindGymEnv(
                    env_id,
                    config=config,
                    client=self.client,
                    render_mode=render_mode,
                    observation_kinds=observation_kinds,
                    max_steps=max_steps,
                    image_shape=image_shape,
                )
                if image_shape is None and "image" in env.observation_space.spaces:
                    image_shape = env.observation_space["image"].shape[:2]  # probe once
                self.envs.append(env)
        except BaseException:
            self.close()
            raise
        first = self.envs[0]
        self.num_envs = num_envs
        self.render_mode = render_mode
        self.autoreset_mode = AutoresetMode(autoreset_mode)
        self.metadata = {**first.metadata, "autoreset_mode": self.autoreset_mode}
        self.single_observation_space = first.observation_space
        self.single_action_space = first.action_space
        self.observation_space = batch_space(self.single_observation_space, num_envs)
        self.action_space = batch_space(self.single_action_space, num_envs)
        self._autoreset_envs = np.zeros(num_envs, dtype=np.bool_)

    # -- helpers -------------------------------------------------------------------

    def _batch(self, observations: List[Any]):
        out = create_empty_array(self.single_observation_space, self.num_envs, fn=np.zeros)
        return concatenate(self.single_observation_space, observations, out)

    @staticmethod
    def _raise_first(items):
        for item in items:
            if isinstance(item, DynamindError):
                raise item
        return items

    def _reset_some(self, indices: List[int], seeds: List[Optional[int]], options) -> Dict[int, tuple]:
        requests = [self.envs[i]._reset_args(seed, options) for i, seed in zip(indices, seeds)]
        results = self._raise_first(self.client.reset_many(requests))
        return {i: self.envs[i]._accept(r) for i, r in zip(indices, results)}

    # -- gymnasium.vector.VectorEnv --------------------------------------------------

    def reset(self, *, seed: Union[None, int, Sequence[Optional[int]]] = None, options: Optional[Dict[str, Any]] = None):
        """Resets every sub-environment (or those in ``options["reset_mask"]``). An int seed
        gives sub-environment ``i`` the seed ``seed + i``; a list gives one seed each."""
        if seed is None:
            seeds: List[Optional[int]] = [None] * self.num_envs
        elif isinstance(seed, (int, np.integer)):
            seeds = [int(seed) + i for i in range(self.num_envs)]
            self._np_random, self._np_random_seed = seeding.np_random(int(seed))
        else:
            seeds = list(seed)
            if len(seeds) != self.num_envs:
                raise ValueError(f"expected {self.num_envs} seeds, got {len(seeds)}")
        options = dict(options or {})
        mask = options.pop("reset_mask", None)
        if mask is not None:
            mask = np.asarray(mask, dtype=np.bool_)
            if mask.shape != (self.num_envs,):
                raise ValueError(f"reset_mask must have shape ({self.num_envs},), got {mask.shape}")
            indices = [i for i in range(self.num_envs) if mask[i]]
        else:
            indices = list(range(self.num_envs))
        done = self._reset_some(indices, [seeds[i] for i in indices], options or None)
        observations, infos = [], {}
        for i in range(self.num_envs):
            if i in done:
                obs, info = done[i]
                infos = self._add_info(infos, info, i)
                self._autoreset_envs[i] = False
            else:  # kept: its last observation
                obs = self.envs[i].observation(self.envs[i]._last.observation)
            observations.append(obs)
        return self._batch(observations), infos

    def step(self, actions):
        actions = list(iterate(self.action_space, actions))
        n = self.num_envs
        rewards = np.zeros(n, dtype=np.float64)
        terminations = np.zeros(n, dtype=np.bool_)
        truncations = np.zeros(n, dtype=np.bool_)
        observations: List[Any] = [None] * n
        env_infos: List[Dict[str, Any]] = [{}] * n

        if self.autoreset_mode == AutoresetMode.NEXT_STEP:
            to_reset = [i for i in range(n) if self._autoreset_envs[i]]
        else:
            to_reset = []
        to_step = [i for i in range(n) if i not in to_reset]
        if to_reset:  # NEXT_STEP: their actions are ignored
            for i, (obs, info) in self._reset_some(to_reset, [None] * len(to_reset), None).items():
                observations[i], env_infos[i] = obs, info
        if to_step:
            items = self.client.batch_step([(self.envs[i]._session(), self.envs[i].to_action(actions[i])) for i in to_step])
            for i, result in zip(to_step, self._raise_first(items)):
                observations[i], rewards[i], terminations[i], truncations[i], env_infos[i] = self.envs[i]._accept_step(result)

        ended = np.logical_or(terminations, truncations)
        if self.autoreset_mode == AutoresetMode.SAME_STEP and ended.any():
            indices = [i for i in range(n) if ended[i]]
            for i, (obs, info) in self._reset_some(indices, [None] * len(indices), None).items():
                # As SyncVectorEnv: the reset's observation and info, the episode's last
                # ones under final_obs / final_info.
                info["final_obs"], info["final_info"] = observations[i], env_infos[i]
                observations[i], env_infos[i] = obs, info
        infos: Dict[str, Any] = {}
        for i in range(n):
            infos = self._add_info(infos, env_infos[i], i)
        self._autoreset_envs = ended if self.autoreset_mode == AutoresetMode.NEXT_STEP else np.zeros(n, np.bool_)
        return self._batch(observations), rewards, terminations, truncations, infos

    def render(self):
        return tuple(env.render() for env in self.envs)

    def close_extras(self, **kwargs) -> None:
        envs, self.envs = getattr(self, "envs", []), []
        try:
            for env in envs:
                env.close()
        finally:
            if self._owns_client:
                self.client.close()
                self._owns_client = False

    # -- dynamind extras -----------------------------------------------------------

    def clone(self, portable: bool = False) -> List[Union[str, bytes]]:
        """Saves every sub-environment's state (handle ids, or bytes when ``portable``)."""
        return [env.clone(portable) for env in self.envs]

    def restore(self, states: Sequence[StateLike]):
        """Puts every sub-environment back into its state from :meth:`clone`; returns the
        batched observations and infos there. Autoreset follows the restored flags."""
        if len(states) != self.num_envs:
            raise ValueError(f"expected {self.num_envs} states, got {len(states)}")
        observations, infos = [], {}
        for i, (env, state) in enumerate(zip(self.envs, states)):
            result = env.client.restore_state(env._session(), state)
            obs, info = env._accept(result)
            observations.append(obs)
            infos = self._add_info(infos, info, i)
            self._autoreset_envs[i] = self.autoreset_mode == AutoresetMode.NEXT_STEP and (result.terminated or result.truncated)
        return self._batch(observations), infos

    def fork(self, index: int, state: Optional[StateLike] = None) -> DynamindGymEnv:
        """A new single environment from sub-environment ``index``'s current state (or ``state``)."""
        return self.envs[index].fork(state)

    def expand(self, index: int, sequences, from_state: Optional[str] = None, return_leaf_states: bool = False):
        """:meth:`DynamindGymEnv.expand` on sub-environment ``index``."""
        return self.envs[index].expand(sequences, from_state, return_leaf_states)
