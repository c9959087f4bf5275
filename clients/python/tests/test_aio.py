"""Tests of the asyncio client (grpc.aio) against a running dynamind server.

    cd clients/python && DYNAMIND_ADDRESS=127.0.0.1:50051 /usr/bin/python3 -m unittest discover -s tests -p test_aio.py -v
"""

import asyncio
import os
import unittest

from dynamind_env import DynamindError
from dynamind_env.aio import AsyncDynamindEnv, AsyncEnvClient

ADDRESS = os.environ.get("DYNAMIND_ADDRESS")
TOKEN = os.environ.get("DYNAMIND_TOKEN") or None


@unittest.skipUnless(ADDRESS, "set DYNAMIND_ADDRESS=host:port to run against a server")
class AsyncClientTest(unittest.TestCase):
    def test_reset_step_clone_restore_fork_expand(self):
        async def scenario():
            async with await AsyncDynamindEnv.create(ADDRESS, "sokoban", token=TOKEN) as env:
                start, info = await env.reset(seed=5)
                self.assertEqual(info["step_index"], 0)
                saved = await env.clone()
                obs, reward, terminated, truncated, info = await env.step("Up")
                self.assertEqual(info["step_index"], 1)
                back, info = await env.restore(saved)
                self.assertEqual(back["fingerprint"], start["fingerprint"])
                self.assertEqual(info["step_index"], 0)
                fork = await env.fork()
                try:
                    self.assertNotEqual(fork.session_id, env.session_id)
                finally:
                    await fork.close()
                branches = await env.expand([["Up"], ["Down", "Down"]])
                self.assertEqual([len(b.steps) for b in branches], [1, 2])
                with self.assertRaises(DynamindError) as ctx:
                    await env.step("Jump around")
                self.assertEqual(ctx.exception.reason, "INVALID_ACTION")

        asyncio.run(scenario())

    def test_concurrent_sessions_on_one_channel(self):
        async def scenario():
            async with AsyncEnvClient(ADDRESS, token=TOKEN) as client:
                envs = await asyncio.gather(*(AsyncDynamindEnv.create(None, "sokoban", client=client) for _ in range(4)))
                try:
                    firsts = await asyncio.gather(*(env.reset(seed=9) for env in envs))
                    self.assertEqual(len({obs["fingerprint"] for obs, _ in firsts}), 1)
                    steps = await asyncio.gather(*(env.step(i + 1) for i, env in enumerate(envs)))
                    self.assertEqual([info["step_index"] for *_, info in steps], [1, 1, 1, 1])
                finally:
                    await asyncio.gather(*(env.close() for env in envs))

        asyncio.run(scenario())


if __name__ == "__main__":
    unittest.main()
