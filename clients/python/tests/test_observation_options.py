"""Observation options from the Python client: parts left out, and valid actions sent
only when changed yet always present in the results the client returns.

    cd clients/python && DYNAMIND_ADDRESS=127.0.0.1:50051 /usr/bin/python3 -m unittest tests.test_observation_options -v
"""

import os
import unittest

from dynamind_env import EnvClient
from dynamind_env._rpc import observation_options

ADDRESS = os.environ.get("DYNAMIND_ADDRESS")
TOKEN = os.environ.get("DYNAMIND_TOKEN") or None
CONFIG = {"dim_room": [6, 6], "num_boxes": 1}
FULL = ["Up", "Down", "Left", "Right"]


class ObservationOptionsTest(unittest.TestCase):
    def test_options_are_checked_before_sending(self):
        with self.assertRaises(ValueError):
            observation_options({"colour": False})
        with self.assertRaises(ValueError):
            observation_options({"valid_actions": "sometimes"})
        self.assertTrue(observation_options({"image": False}).omit_image)

    @unittest.skipUnless(ADDRESS, "DYNAMIND_ADDRESS not set")
    def test_valid_actions_when_changed_are_filled_in(self):
        with EnvClient(ADDRESS, token=TOKEN, timeout=20) as client:
            lean = {"valid_actions": "changed", "fingerprint": False}
            a = client.create_session("sokoban", CONFIG, observation=lean).session_id
            b = client.create_session("sokoban", CONFIG, observation=lean).session_id
            try:
                for sid in (a, b):
                    self.assertEqual(list(client.reset(sid, seed=3).observation.valid_actions), FULL)
                one = client.step(a, "Up")
                self.assertEqual(list(one.observation.valid_actions), FULL)
                self.assertEqual(one.observation.fingerprint, "")
                for r in client.batch_step([(a, "Down"), (b, "Left")]):
                    self.assertEqual(list(r.observation.valid_actions), FULL)
                for branch in client.expand(b, [["Up", "Up"], ["Down"]]):
                    for st in branch.steps:
                        self.assertEqual(list(st.observation.valid_actions), FULL)
                self.assertEqual(client.step(a, "Up", observation={"text": False}).observation.text, "")
            finally:
                client.close_session(a)
                client.close_session(b)


if __name__ == "__main__":
    unittest.main()
