"""Observation deltas from the Python clients (sync and asyncio): over random Sokoban and
ALFWorld episodes — resets, steps, clone/restore, Expand (from the session and from a
handle, leaf-only too), BatchSteps naming a session twice, forks — the observations the
client rebuilds from deltas equal the full observations a twin session gets with today's
defaults, and the deltas really were used.

    cd clients/python && DYNAMIND_ADDRESS=127.0.0.1:50051 /usr/bin/python3 -m unittest tests.test_observation_deltas -v
"""

import asyncio
import os
import random
import unittest

from dynamind_env import EnvClient
from dynamind_env._deltas import apply_lines_delta, valid_actions_hash
from dynamind_env._proto import types_pb2 as types_pb
from dynamind_env.aio import AsyncEnvClient
from dynamind_env.errors import DynamindError

ADDRESS = os.environ.get("DYNAMIND_ADDRESS")
TOKEN = os.environ.get("DYNAMIND_TOKEN") or None
DELTAS = {"deltas": True, "valid_actions": "changed"}
ENVS = [
    ("sokoban", {"dim_room": [8, 8], "num_boxes": 1}),
    ("sokoban", {"dim_room": [6, 6], "num_boxes": 1}),
    ("alfworld", {}),
]


def seen(r):
    o = r.observation
    return (o.text, list(o.valid_actions), o.fingerprint, r.reward, r.terminated, r.truncated, r.step_index, r.info_json)


def pick(r, k):
    va = r.observation.valid_actions
    return va[k % len(va)] if len(va) else "look"


class Sync:
    """The sync client behind the same awaitable calls as the asyncio one."""

    def __init__(self, client):
        self.c = client

    def __getattr__(self, name):
        method = getattr(self.c, name)

        async def call(*args, **kwargs):
            return method(*args, **kwargs)

        return call


async def episode(test, c, env_id, config, rng: random.Random):
    """Random operations on a full session and a delta session, compared after each."""
    full = (await c.create_session(env_id, config)).session_id
    delta = (await c.create_session(env_id, config, observation=DELTAS)).session_id
    opened = [full, delta]
    try:
        seed = rng.randrange(1000)
        last = await c.reset(full, seed=seed)
        test.assertEqual(seen(await c.reset(delta, seed=seed)), seen(last))
        saved = []
        for _ in range(25):
            if last.terminated or last.truncated:
                last = await c.reset(full, seed=seed + 1)
                test.assertEqual(seen(await c.reset(delta, seed=seed + 1)), seen(last))
            op = rng.choice(["step"] * 6 + ["reset", "clone", "restore", "restore", "expand", "expand", "batch", "fork"])
            if op == "step":
                a = pick(last, rng.randrange(40))
                last = await c.step(full, a)
                test.assertEqual(seen(await c.step(delta, a)), seen(last))
            elif op == "reset":
                s = rng.randrange(50)
                last = await c.reset(full, seed=s)
                test.assertEqual(seen(await c.reset(delta, seed=s)), seen(last))
            elif op == "clone":
                saved.append(((await c.clone_state(full)).handle.id, (await c.clone_state(delta)).handle.id))
            elif op == "restore" and saved:
                ha, hb = rng.choice(saved)
                last = await c.restore_state(full, ha)
                test.assertEqual(seen(await c.restore_state(delta, hb)), seen(last))
            elif op == "expand":
                seqs = [[pick(last, rng.randrange(40)) for _ in range(rng.randint(1, 4))] for _ in range(rng.randint(1, 4))]
                src = saved[-1] if saved and rng.random() < 0.5 else (None, None)
                leaf = rng.random() < 0.3
                a = await c.expand(full, seqs, src[0], leaf_observations_only=leaf)
                b = await c.expand(delta, seqs, src[1], leaf_observations_only=leaf)
                test.assertEqual([[seen(s) for s in br.steps] for br in b], [[seen(s) for s in br.steps] for br in a])
            elif op == "batch":
                a1, a2 = pick(last, rng.randrange(40)), None
                r1 = await c.step(full, a1)
                if not (r1.terminated or r1.truncated):
                    a2 = pick(r1, rng.randrange(40))
                    last = await c.step(full, a2)
                else:
                    last = r1
                # The same session twice in one BatchStep: the second item builds on the first.
                got = await c.batch_step([(delta, a1)] + ([(delta, a2)] if a2 is not None else []))
                test.assertFalse(any(isinstance(g, DynamindError) for g in got))
                test.assertEqual(seen(got[0]), seen(r1))
                test.assertEqual(seen(got[-1]), seen(last))
            elif op == "fork":
                fa = await c.fork(full)
                fb = await c.fork(delta)
                opened += [fa.session_id, fb.session_id]
                test.assertEqual(seen(fb.result), seen(fa.result))
                full, delta, last = fa.session_id, fb.session_id, fa.result
    finally:
        for sid in opened:
            try:
                await c.close_session(sid)
            except DynamindError:
                pass


class LinesDeltaTest(unittest.TestCase):
    def test_apply_and_hash_agree_with_the_server(self):
        d = types_pb.LinesDelta(base_hash=1, ops=[1, 0, 2, 0, 3, 1], lines=["new"])
        self.assertEqual(apply_lines_delta(["a", "b", "c", "d"], d), ["new", "a", "b", "d"])
        with self.assertRaises(ValueError):
            apply_lines_delta(["a"], types_pb.LinesDelta(ops=[0, 0, 2]))
        with self.assertRaises(ValueError):
            apply_lines_delta(["a"], types_pb.LinesDelta(ops=[0, 0, 1], lines=["unused"]))
        # The same numbers the server's validActionsHashOf gives (UTF-16 units, astral too).
        self.assertEqual(valid_actions_hash(["Up", "Down", "Left", "Right"]), 3589900616311729)
        self.assertEqual(valid_actions_hash(["é\U0001F600x"]), 3805735250330740)
        self.assertEqual(valid_actions_hash([]), 0)


@unittest.skipUnless(ADDRESS, "DYNAMIND_ADDRESS not set")
class ObservationDeltasTest(unittest.TestCase):
    def test_sync_client_rebuilds_full_observations(self):
        with EnvClient(ADDRESS, token=TOKEN, timeout=30) as client:
            for i, (env_id, config) in enumerate(ENVS):
                before = client.deltas_applied
                for run in range(4):
                    asyncio.run(episode(self, Sync(client), env_id, config, random.Random(100 * i + run)))
                self.assertGreater(client.deltas_applied, before, f"no deltas met in {env_id} {config}")

    def test_asyncio_client_rebuilds_full_observations(self):
        async def main():
            async with AsyncEnvClient(ADDRESS, token=TOKEN, timeout=30) as client:
                for i, (env_id, config) in enumerate(ENVS):
                    before = client.deltas_applied
                    for run in range(3):
                        await episode(self, client, env_id, config, random.Random(7000 + 100 * i + run))
                    self.assertGreater(client.deltas_applied, before, f"no deltas met in {env_id} {config}")

        asyncio.run(main())

    def test_asyncio_client_fills_valid_actions_when_changed(self):
        async def main():
            async with AsyncEnvClient(ADDRESS, token=TOKEN, timeout=30) as client:
                sid = (await client.create_session("alfworld", observation={"valid_actions": "changed"})).session_id
                try:
                    first = await client.reset(sid, seed=4)
                    self.assertGreater(len(first.observation.valid_actions), 0)
                    # "look" keeps the list: the server leaves it out, the client fills it in.
                    again = await client.step(sid, "look")
                    self.assertEqual(list(again.observation.valid_actions), list(first.observation.valid_actions))
                finally:
                    await client.close_session(sid)

        asyncio.run(main())


if __name__ == "__main__":
    unittest.main()
