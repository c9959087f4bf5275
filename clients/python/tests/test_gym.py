"""Tests of the Gymnasium environments and the BatchStep vector env against a running
dynamind server.

    cd clients/python && DYNAMIND_ADDRESS=127.0.0.1:50051 /usr/bin/python3 -m unittest discover -s tests -v

Needs gymnasium (``pip install 'dynamind-env[gym]'``); without it these tests are skipped
with that message. android-web needs Chromium on the server's machine: its tests are
skipped with a message when the server cannot start it, unless DYNAMIND_REQUIRE_ANDROID_WEB=1
(then they fail).
"""

import os
import sys
import unittest
import warnings

try:
    import gymnasium as gym
    import numpy as np
    from gymnasium.utils.env_checker import check_env, data_equivalence
except ImportError as err:  # pragma: no cover - depends on the machine
    gym = None
    GYM_MISSING = f"gymnasium is not installed ({err}): pip install 'dynamind-env[gym]'"
else:
    GYM_MISSING = ""

from dynamind_env import DynamindError, EnvClient

ADDRESS = os.environ.get("DYNAMIND_ADDRESS")
TOKEN = os.environ.get("DYNAMIND_TOKEN") or None
REQUIRE_ANDROID_WEB = os.environ.get("DYNAMIND_REQUIRE_ANDROID_WEB") == "1"
# Every environment the server serves without an external device.
GYM_IDS = ["dynamind/Sokoban-v0", "dynamind/ALFWorld-v0", "dynamind/AndroidWeb-v0"]


def _android_web_unavailable():
    """None when the server can run android-web, else why not."""
    if not ADDRESS:
        return "no server"
    with EnvClient(ADDRESS, token=TOKEN, timeout=60) as client:
        try:
            sid = client.create_session("android-web").session_id
            try:
                client.reset(sid, seed=0)
            finally:
                client.close_session(sid)
        except DynamindError as err:
            return f"the server cannot run android-web (Chromium missing?): {err}"
    return None


def make(gym_id, **kwargs):
    return gym.make(gym_id, address=ADDRESS, token=TOKEN, **kwargs)


@unittest.skipUnless(ADDRESS, "set DYNAMIND_ADDRESS=host:port to run against a server")
@unittest.skipIf(GYM_MISSING, GYM_MISSING)
class GymEnvTest(unittest.TestCase):
    android_web_missing = None

    @classmethod
    def setUpClass(cls):
        cls.android_web_missing = _android_web_unavailable()
        if cls.android_web_missing:
            print(f"\n*** android-web tests skipped: {cls.android_web_missing}", file=sys.stderr)

    def env(self, gym_id, **kwargs):
        if gym_id == "dynamind/AndroidWeb-v0" and self.android_web_missing:
            if REQUIRE_ANDROID_WEB:
                self.fail(self.android_web_missing)
            self.skipTest(self.android_web_missing)
        env = make(gym_id, **kwargs)
        self.addCleanup(env.close)
        return env

    def test_the_ids_are_registered_on_import(self):
        for gym_id in GYM_IDS + ["dynamind/Android-v0"]:
            self.assertIn(gym_id, gym.registry)

    def test_check_env_passes_without_warnings_for_every_env(self):
        for gym_id in GYM_IDS:
            with self.subTest(gym_id):
                env = self.env(gym_id)
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    check_env(env.unwrapped)
                self.assertEqual([str(w.message) for w in caught], [], f"check_env warned for {gym_id}")

    def test_spaces_follow_the_env_spec(self):
        sokoban = self.env("dynamind/Sokoban-v0", render_mode="rgb_array")
        self.assertEqual(sokoban.action_space, gym.spaces.Discrete(9))
        self.assertEqual(sorted(sokoban.observation_space.spaces), ["image", "text"])
        image = sokoban.observation_space["image"]
        self.assertEqual(image.dtype, np.uint8)
        self.assertEqual(image.shape[2], 3)
        alfworld = self.env("dynamind/ALFWorld-v0")
        self.assertIsInstance(alfworld.action_space, gym.spaces.Text)
        self.assertEqual(alfworld.unwrapped.metadata["render_modes"], ["ansi"])

    def test_android_web_observes_ui_elements_and_samples_valid_json_actions(self):
        env = self.env("dynamind/AndroidWeb-v0")
        obs, info = env.reset(seed=1)
        self.assertIn("ui_elements", obs)
        self.assertGreater(len(obs["ui_elements"]), 0)
        self.assertIn(obs, env.observation_space)
        env.action_space.seed(0)
        for _ in range(3):
            obs, reward, terminated, truncated, info = env.step(env.action_space.sample())
            self.assertIn(obs, env.observation_space)
            if terminated or truncated:
                break

    def test_reset_without_a_seed_works_and_reports_the_seed(self):
        env = self.env("dynamind/Sokoban-v0")
        obs, info = env.reset()
        self.assertIn(obs, env.observation_space)
        self.assertIsInstance(info["seed"], int)
        obs2, _ = env.reset()
        self.assertIn(obs2, env.observation_space)

    def test_the_same_seed_gives_the_same_episode_in_another_env(self):
        for gym_id in ("dynamind/Sokoban-v0", "dynamind/ALFWorld-v0"):
            with self.subTest(gym_id):
                a, b = self.env(gym_id), self.env(gym_id)
                obs_a, info_a = a.reset(seed=7)
                obs_b, info_b = b.reset(seed=7)
                self.assertTrue(data_equivalence(obs_a, obs_b))
                self.assertEqual(info_a["fingerprint"], info_b["fingerprint"])
                # Unseeded resets after a seeded one continue np_random: reproducible too.
                self.assertTrue(data_equivalence(a.reset()[0], b.reset()[0]))
                a.action_space.seed(3)
                b.action_space.seed(3)
                for _ in range(3):
                    step_a, step_b = a.step(a.action_space.sample()), b.step(b.action_space.sample())
                    self.assertTrue(data_equivalence(step_a[:4], step_b[:4]))
                    if step_a[2] or step_a[3]:
                        break

    def test_the_gym_seed_is_the_protocol_seed(self):
        env = self.env("dynamind/Sokoban-v0")
        obs, info = env.reset(seed=11)
        with EnvClient(ADDRESS, token=TOKEN) as client:
            sid = client.create_session("sokoban").session_id
            try:
                self.assertEqual(client.reset(sid, seed=11).observation.text, obs["text"])
            finally:
                client.close_session(sid)

    def test_render_modes(self):
        ansi = self.env("dynamind/Sokoban-v0", render_mode="ansi")
        obs, _ = ansi.reset(seed=0)
        self.assertEqual(ansi.render(), obs["text"])
        rgb = self.env("dynamind/Sokoban-v0", render_mode="rgb_array")
        obs, _ = rgb.reset(seed=0)
        frame = rgb.render()
        self.assertEqual(frame.dtype, np.uint8)
        self.assertEqual(frame.ndim, 3)
        self.assertEqual(frame.shape[2], 3)
        np.testing.assert_array_equal(frame, obs["image"])
        self.assertGreater(len(np.unique(frame.reshape(-1, 3), axis=0)), 1, "a blank frame")
        with self.assertRaises(gym.error.Error):
            make("dynamind/ALFWorld-v0", render_mode="rgb_array")

    def test_clone_restore_fork_and_expand(self):
        env = self.env("dynamind/Sokoban-v0").unwrapped
        start, _ = env.reset(seed=3)
        saved = env.clone()
        portable = env.clone(portable=True)
        for action in (5, 6, 7, 8):  # the four moves
            env.step(action)
        obs, info = env.restore(saved)
        self.assertTrue(data_equivalence(obs, start))
        self.assertEqual(info["step_index"], 0)
        env.step(6)
        obs, _ = env.restore(portable)
        self.assertTrue(data_equivalence(obs, start))

        fork = env.fork()
        self.addCleanup(fork.close)
        self.assertNotEqual(fork.session_id, env.session_id)
        self.assertTrue(data_equivalence(fork.step(7)[:4], env.step(7)[:4]))

        before = env.clone()
        branches = env.expand([[1, 2], ["Left"]], return_leaf_states=True)
        self.assertEqual([len(b.steps) for b in branches], [2, 1])
        self.assertTrue(all(b.leaf_state for b in branches))
        # The env is untouched: its next step equals the branch's first step.
        first = env.step(1)
        self.assertTrue(data_equivalence(first[:4], branches[0].steps[0][:4]))
        env.restore(before)

    def test_vector_env_steps_with_batch_step_like_single_envs(self):
        envs = gym.make_vec("dynamind/Sokoban-v0", num_envs=3, address=ADDRESS, token=TOKEN)
        self.addCleanup(envs.close)
        self.assertEqual(type(envs).__name__, "DynamindVectorEnv")
        self.assertEqual(envs.metadata["autoreset_mode"], gym.vector.AutoresetMode.NEXT_STEP)
        obs, infos = envs.reset(seed=20)
        self.assertIn(obs, envs.observation_space)
        singles = [self.env("dynamind/Sokoban-v0") for _ in range(3)]
        for i, single in enumerate(singles):
            self.assertEqual(single.reset(seed=20 + i)[0]["text"], obs["text"][i])
        actions = np.array([1, 6, 8])
        obs, rewards, terms, truncs, infos = envs.step(actions)
        for i, single in enumerate(singles):
            s_obs, s_reward, s_term, s_trunc, _ = single.step(int(actions[i]))
            self.assertEqual(s_obs["text"], obs["text"][i])
            self.assertEqual(s_reward, rewards[i])
            self.assertEqual((s_term, s_trunc), (terms[i], truncs[i]))
        self.assertEqual(list(infos["step_index"]), [1, 1, 1])

    def test_vector_env_next_step_autoreset(self):
        envs = gym.make_vec("dynamind/Sokoban-v0", num_envs=2, address=ADDRESS, token=TOKEN, max_steps=2)
        self.addCleanup(envs.close)
        envs.reset(seed=0)
        envs.step(np.array([0, 0]))
        obs, rewards, terms, truncs, infos = envs.step(np.array([0, 0]))
        self.assertEqual(list(truncs), [True, True])
        last_text = obs["text"]
        # The next step resets (the actions are ignored): reward 0, no flags, step 0.
        obs, rewards, terms, truncs, infos = envs.step(np.array([1, 1]))
        self.assertEqual(list(rewards), [0.0, 0.0])
        self.assertEqual(list(terms) + list(truncs), [False] * 4)
        self.assertEqual(list(infos["step_index"]), [0, 0])
        self.assertIn("seed", infos)
        obs, rewards, terms, truncs, infos = envs.step(np.array([1, 1]))
        self.assertEqual(list(infos["step_index"]), [1, 1])
        self.assertIsNotNone(last_text)

    def test_vector_env_same_step_autoreset_and_reset_mask(self):
        envs = gym.make_vec(
            "dynamind/Sokoban-v0", num_envs=2, address=ADDRESS, token=TOKEN, max_steps=1,
            autoreset_mode=gym.vector.AutoresetMode.SAME_STEP,
        )
        self.addCleanup(envs.close)
        envs.reset(seed=0)
        obs, rewards, terms, truncs, infos = envs.step(np.array([0, 0]))
        self.assertEqual(list(truncs), [True, True])
        self.assertEqual(list(infos["step_index"]), [0, 0], "same-step: the observation is the reset one")
        self.assertEqual(list(infos["_final_obs"]), [True, True])
        self.assertEqual(list(infos["final_info"]["step_index"]), [1, 1])
        self.assertIn("text", infos["final_obs"][0])

        disabled = gym.make_vec(
            "dynamind/Sokoban-v0", num_envs=2, address=ADDRESS, token=TOKEN, max_steps=1,
            autoreset_mode=gym.vector.AutoresetMode.DISABLED,
        )
        self.addCleanup(disabled.close)
        disabled.reset(seed=0)
        obs, rewards, terms, truncs, infos = disabled.step(np.array([0, 5]))
        self.assertEqual(list(truncs), [True, True])
        obs2, infos = disabled.reset(options={"reset_mask": np.array([True, False])})
        self.assertEqual(list(infos["_step_index"]), [True, False])
        self.assertEqual(obs2["text"][1], obs["text"][1], "the unmasked env keeps its observation")
        with self.assertRaises(DynamindError):
            disabled.step(np.array([0, 0]))  # env 1 ended and was not reset

    def test_vector_env_clone_and_restore(self):
        envs = gym.make_vec("dynamind/Sokoban-v0", num_envs=2, address=ADDRESS, token=TOKEN)
        self.addCleanup(envs.close)
        start, _ = envs.reset(seed=4)
        saved = envs.unwrapped.clone()
        envs.step(np.array([5, 6]))
        obs, infos = envs.unwrapped.restore(saved)
        self.assertTrue(data_equivalence(obs, start))
        fork = envs.unwrapped.fork(1)
        self.addCleanup(fork.close)
        self.assertEqual(len(envs.unwrapped.expand(0, [[1], [2]])), 2)


if __name__ == "__main__":
    unittest.main()
