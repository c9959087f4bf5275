"""Tests of the Python client against a running dynamind server.

    cd clients/python && DYNAMIND_ADDRESS=127.0.0.1:50051 /usr/bin/python3 -m unittest discover -s tests -v

DYNAMIND_TOKEN is sent as the bearer token when set. Without DYNAMIND_ADDRESS every
test is skipped.
"""

import json
import os
import unittest

from dynamind_env import DynamindEnv, DynamindError, EnvClient, types_pb
from dynamind_env.client import parse_info

ADDRESS = os.environ.get("DYNAMIND_ADDRESS")
TOKEN = os.environ.get("DYNAMIND_TOKEN") or None
ENV_ID = "sokoban"
# The tests take at most 4 steps from a reset and expect no episode to end by then,
# so they use a seed whose puzzle needs more moves (found once, see _pick_seed).
MIN_SOLUTION_LENGTH = 6


def _pick_seed():
    if not ADDRESS:
        return 0
    with EnvClient(ADDRESS, token=TOKEN, timeout=20) as client:
        session_id = client.create_session(ENV_ID).session_id
        try:
            for seed in range(200):
                info = parse_info(client.reset(session_id, seed=seed))
                if info.get("optimal_solution_length", MIN_SOLUTION_LENGTH) >= MIN_SOLUTION_LENGTH:
                    return seed
            return 0
        finally:
            client.close_session(session_id)


SEED = _pick_seed()


@unittest.skipUnless(ADDRESS, "set DYNAMIND_ADDRESS=host:port to run against a server")
class ClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.client = EnvClient(ADDRESS, token=TOKEN, timeout=20)

    @classmethod
    def tearDownClass(cls):
        cls.client.close()

    def new_session(self, **kwargs):
        created = self.client.create_session(ENV_ID, **kwargs)
        self.addCleanup(self._close_quietly, created.session_id)
        return created

    def _close_quietly(self, session_id):
        try:
            self.client.close_session(session_id)
        except DynamindError:
            pass

    def started_session(self, seed=SEED):
        created = self.new_session()
        first = self.client.reset(created.session_id, seed=seed)
        return created.session_id, first

    # -- discovery and episodes ---------------------------------------------------

    def test_list_envs_contains_sokoban(self):
        envs = {spec.id: spec for spec in self.client.list_envs()}
        self.assertIn(ENV_ID, envs)
        spec = envs[ENV_ID]
        self.assertTrue(spec.version)
        self.assertTrue(spec.action_spec.kinds, "sokoban lists no action kinds")

    def test_create_session_returns_spec(self):
        created = self.new_session()
        self.assertTrue(created.session_id)
        self.assertEqual(created.spec.id, ENV_ID)

    def test_reset_with_same_seed_gives_same_observation(self):
        session_id, first = self.started_session()
        self.assertTrue(first.observation.text)
        self.assertEqual(first.step_index, 0)
        self.assertEqual(first.reward, 0)
        self.assertFalse(first.terminated or first.truncated)
        again = self.client.reset(session_id, seed=SEED)
        self.assertEqual(again.observation.text, first.observation.text)
        self.assertEqual(again.observation.fingerprint, first.observation.fingerprint)
        # ...and in another session too.
        other_id, other = self.started_session()
        self.assertNotEqual(other_id, session_id)
        self.assertEqual(other.observation.text, first.observation.text)

    def test_reset_without_seed_draws_one_and_reports_it(self):
        session_id = self.client.create_session("sokoban").session_id
        first = self.client.reset(session_id)
        seed = json.loads(first.info_json)["seed"]
        self.assertIsInstance(seed, int)
        again = self.client.reset(session_id, seed=seed)
        self.assertEqual(again.observation.fingerprint, first.observation.fingerprint)

    def test_step_with_text_and_index(self):
        session_id, _ = self.started_session()
        by_text = self.client.step(session_id, "Up")
        self.assertEqual(by_text.step_index, 1)
        self.assertTrue(by_text.observation.text)
        by_index = self.client.step(session_id, 1)
        self.assertEqual(by_index.step_index, 2)
        self.assertTrue(by_index.observation.fingerprint)

    def test_batch_step_items_succeed_or_fail_alone(self):
        session_id, _ = self.started_session()
        items = self.client.batch_step([(session_id, "Up"), ("no-such-session", "Up"), (session_id, 1)])
        self.assertEqual(len(items), 3)
        self.assertIsInstance(items[0], types_pb.StepResult)
        self.assertIsInstance(items[1], DynamindError)
        self.assertEqual(items[1].reason, "SESSION_NOT_FOUND")
        self.assertIsInstance(items[2], types_pb.StepResult)
        self.assertEqual(items[2].step_index, 2)

    # -- state -----------------------------------------------------------------------

    def test_clone_step_restore_gives_same_fingerprint(self):
        session_id, _ = self.started_session()
        before = self.client.step(session_id, "Up")
        cloned = self.client.clone_state(session_id)
        self.assertTrue(cloned.handle.id)
        self.assertGreater(cloned.handle.expires_at_ms, 0)
        for action in ("Left", "Down", 3):
            self.client.step(session_id, action)
        restored = self.client.restore_state(session_id, cloned.handle.id)
        self.assertEqual(restored.observation.fingerprint, before.observation.fingerprint)
        self.assertEqual(restored.observation.text, before.observation.text)
        self.assertEqual(restored.step_index, before.step_index)
        self.assertEqual(restored.reward, 0)
        # The handle can be restored again, then released.
        again = self.client.restore_state(session_id, cloned.handle)
        self.assertEqual(again.observation.fingerprint, before.observation.fingerprint)
        self.assertEqual(self.client.release_state([cloned.handle.id]), 1)
        with self.assertRaises(DynamindError) as ctx:
            self.client.restore_state(session_id, cloned.handle.id)
        self.assertIn(ctx.exception.reason, ("STATE_NOT_FOUND", "STATE_EXPIRED"))

    def test_portable_clone_restores_from_bytes(self):
        created = self.new_session()
        if created.spec.clone_support != types_pb.CLONE_SUPPORT_PORTABLE:
            self.skipTest("sokoban does not offer portable states")
        session_id = created.session_id
        self.client.reset(session_id, seed=SEED)
        before = self.client.step(session_id, "Up")
        cloned = self.client.clone_state(session_id, portable=True)
        self.assertTrue(cloned.portable_state)
        self.client.step(session_id, "Left")
        restored = self.client.restore_state(session_id, cloned.portable_state)
        self.assertEqual(restored.observation.fingerprint, before.observation.fingerprint)
        self.assertEqual(restored.step_index, before.step_index)
        # Portable bytes also restore into a fresh session.
        other = self.new_session().session_id
        elsewhere = self.client.restore_state(other, cloned.portable_state)
        self.assertEqual(elsewhere.observation.fingerprint, before.observation.fingerprint)
        # Tampered bytes are refused.
        tampered = bytearray(cloned.portable_state)
        tampered[len(tampered) // 2] ^= 0xFF
        with self.assertRaises(DynamindError) as ctx:
            self.client.restore_state(session_id, bytes(tampered))
        self.assertIn(ctx.exception.reason, ("STATE_INVALID", "STATE_INCOMPATIBLE"))

    def test_fork_copies_the_current_state(self):
        session_id, _ = self.started_session()
        current = self.client.step(session_id, "Up")
        forked = self.client.fork(session_id)
        self.addCleanup(self._close_quietly, forked.session_id)
        self.assertNotEqual(forked.session_id, session_id)
        self.assertEqual(forked.result.observation.fingerprint, current.observation.fingerprint)
        self.client.step(forked.session_id, "Down")  # the fork moves on its own

    def test_expand_leaves_session_untouched(self):
        session_id, _ = self.started_session()
        start = self.client.step(session_id, "Up")
        branches = self.client.expand(
            session_id, [["Up", "Left"], [1, "Down", 3]], return_leaf_states=True
        )
        self.assertEqual(len(branches), 2)
        for branch, seq_len in zip(branches, (2, 3)):
            self.assertGreaterEqual(len(branch.steps), 1)
            self.assertLessEqual(len(branch.steps), seq_len)
            self.assertEqual(branch.steps[0].step_index, start.step_index + 1)
            self.assertTrue(branch.leaf_state.id)
        # The session did not move: a clone of it still has the start fingerprint ...
        check = self.client.clone_state(session_id)
        here = self.client.restore_state(session_id, check.handle.id)
        self.assertEqual(here.observation.fingerprint, start.observation.fingerprint)
        self.assertEqual(here.step_index, start.step_index)
        # ... and stepping it now reproduces the first branch's first step.
        real = self.client.step(session_id, "Up")
        self.assertEqual(real.observation.fingerprint, branches[0].steps[0].observation.fingerprint)
        # A leaf state restores to the branch's last observation.
        leaf = self.client.restore_state(session_id, branches[1].leaf_state.id)
        self.assertEqual(leaf.observation.fingerprint, branches[1].steps[-1].observation.fingerprint)

    # -- errors -------------------------------------------------------------------------

    def test_expert_plan_solves_from_the_current_state(self):
        session_id, _ = self.started_session()
        self.assertTrue(self.client.create_session(ENV_ID).spec.has_expert)
        plan = self.client.expert_plan(session_id)
        self.assertTrue(plan.reaches_goal)
        self.assertGreaterEqual(len(plan.actions), MIN_SOLUTION_LENGTH)
        last = None
        for action in plan.actions:
            last = self.client.step(session_id, action.text)
        self.assertTrue(last.terminated)

    def test_unknown_session(self):
        with self.assertRaises(DynamindError) as ctx:
            self.client.step("no-such-session", "Up")
        err = ctx.exception
        self.assertEqual(err.reason, "SESSION_NOT_FOUND")
        self.assertFalse(err.retryable)
        self.assertTrue(err.message)

    def test_unknown_env(self):
        with self.assertRaises(DynamindError) as ctx:
            self.client.create_session("no-such-env")
        self.assertEqual(ctx.exception.reason, "ENV_NOT_FOUND")

    def test_bad_action_text_is_rejected_without_change(self):
        session_id, first = self.started_session()
        with self.assertRaises(DynamindError) as ctx:
            self.client.step(session_id, "Jump around")
        err = ctx.exception
        self.assertEqual(err.reason, "INVALID_ACTION")
        self.assertFalse(err.retryable)
        after = self.client.step(session_id, "Up")
        self.assertEqual(after.step_index, 1, "the rejected action changed the session")

    def test_image_observation(self):
        created = self.new_session(observation_kinds=["text", "image"])
        result = self.client.reset(created.session_id, seed=SEED)
        self.assertTrue(result.observation.HasField("image"))
        self.assertEqual(result.observation.image.mime_type, "image/png")
        self.assertTrue(result.observation.image.data.startswith(b"\x89PNG"))
        # Text only by default: no image.
        _, plain = self.started_session()
        self.assertFalse(plain.observation.HasField("image"))

    @unittest.skipUnless(TOKEN, "set DYNAMIND_TOKEN to test authentication")
    def test_missing_or_wrong_token_is_refused(self):
        for token in (None, TOKEN + "-wrong"):
            with EnvClient(ADDRESS, token=token, timeout=20) as client:
                with self.assertRaises(DynamindError) as ctx:
                    client.list_envs()
                self.assertEqual(ctx.exception.reason, "UNAUTHENTICATED")

    def test_step_before_reset(self):
        created = self.new_session()
        with self.assertRaises(DynamindError) as ctx:
            self.client.step(created.session_id, "Up")
        self.assertEqual(ctx.exception.reason, "EPISODE_NOT_STARTED")


@unittest.skipUnless(ADDRESS, "set DYNAMIND_ADDRESS=host:port to run against a server")
class GymWrapperTest(unittest.TestCase):
    def test_loop_until_episode_ends(self):
        max_steps = 15
        with DynamindEnv(ADDRESS, ENV_ID, token=TOKEN, max_steps=max_steps) as env:
            self.assertEqual(env.spec.id, ENV_ID)
            obs, info = env.reset(seed=SEED)
            self.assertEqual(set(obs), {"text", "image", "valid_actions", "fingerprint", "ui_elements"})
            self.assertTrue(obs["text"])
            self.assertIsNone(obs["image"])
            self.assertIsInstance(info, dict)
            self.assertEqual(info["step_index"], 0)
            names = env.action_names
            steps, terminated, truncated = 0, False, False
            while not (terminated or truncated):
                action = obs["valid_actions"][steps % len(obs["valid_actions"])] if obs["valid_actions"] else steps % len(names)
                obs, reward, terminated, truncated, info = env.step(action)
                steps += 1
                self.assertIsInstance(reward, float)
                self.assertEqual(info["step_index"], steps)
                self.assertLessEqual(steps, max_steps, "the episode ran past max_steps")
            self.assertTrue(terminated or truncated)
            with self.assertRaises(DynamindError) as ctx:
                env.step(0)
            self.assertEqual(ctx.exception.reason, "EPISODE_ENDED")
            # clone/restore through the wrapper
            env.reset(seed=SEED)
            handle = env.clone()
            obs1, _, _, _, _ = env.step("Up")
            obs2, info2 = env.restore(handle)
            self.assertEqual(info2["step_index"], 0)
            self.assertEqual(env.step("Up")[0]["fingerprint"], obs1["fingerprint"])
            session_id = env.session_id
        self.assertIsNone(env.session_id)
        env.close()  # idempotent
        with EnvClient(ADDRESS, token=TOKEN) as client:
            with self.assertRaises(DynamindError) as ctx:
                client.reset(session_id, seed=SEED)
            self.assertEqual(ctx.exception.reason, "SESSION_NOT_FOUND")

    def test_close_of_a_session_already_gone_is_quiet(self):
        env = DynamindEnv(ADDRESS, ENV_ID, token=TOKEN)
        with EnvClient(ADDRESS, token=TOKEN) as other:
            other.close_session(env.session_id)  # as if reaped as idle
        env.close()  # nothing left to free: no error
        self.assertIsNone(env.session_id)


class NothingToCloseTest(unittest.TestCase):
    def test_reasons_for_which_a_close_has_nothing_to_free(self):
        import grpc

        for reason in ("SESSION_NOT_FOUND", "UNAVAILABLE", "SHUTTING_DOWN", "SERVER_UNREACHABLE"):
            self.assertTrue(DynamindError(grpc.StatusCode.NOT_FOUND, reason, "m", False).nothing_to_close, reason)
        for reason in ("INVALID_ARGUMENT", "PERMISSION_DENIED", "INTERNAL"):
            self.assertFalse(DynamindError(grpc.StatusCode.INTERNAL, reason, "m", False).nothing_to_close, reason)


if __name__ == "__main__":
    unittest.main()
