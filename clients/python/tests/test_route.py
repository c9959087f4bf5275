"""The routing key the Python client sends (no server needed): session and state ids are
``<server-id>.<opaque>``, and calls about them carry the server id as ``x-dynamind-route``
so a proxy in front of many servers reaches the right one. test/scale-out.test.ts runs
the client through a real nginx.
"""

import unittest

from dynamind_env import pb
from dynamind_env._rpc import ROUTE_HEADER, call_metadata, group_by_route, route_of, route_of_request, route_to


class RouteTest(unittest.TestCase):
    def test_route_is_the_server_id_before_the_first_dot(self):
        self.assertEqual(route_of("pod-3.0b9e-uuid"), "pod-3")
        self.assertEqual(route_of("pod-3.st-1-abc"), "pod-3")

    def test_ids_without_a_valid_server_id_give_no_route(self):
        for ident in ["no-dot", ".x", "UPPER.x", "a b.x", "a" * 64 + ".x", "", None]:
            self.assertIsNone(route_of(ident), ident)

    def test_requests_route_by_their_session_or_source(self):
        self.assertEqual(route_of_request(pb.StepRequest(session_id="a.1")), "a")
        self.assertEqual(route_of_request(pb.RestoreStateRequest(session_id="a.1", handle_id="b.st")), "a")
        self.assertEqual(route_of_request(pb.ForkRequest(handle_id="b.st-1")), "b")
        self.assertEqual(route_of_request(pb.ForkRequest(session_id="c.1")), "c")
        self.assertIsNone(route_of_request(pb.ForkRequest(portable_state=b"xx")))
        self.assertIsNone(route_of_request(pb.CreateSessionRequest(env_id="sokoban")))
        self.assertEqual(route_of_request(pb.ReleaseStateRequest(handle_ids=["d.st-1"])), "d")
        self.assertEqual(route_of_request(pb.BatchStepRequest(steps=[pb.StepRequest(session_id="e.1")])), "e")

    def test_metadata_adds_the_route_to_the_token(self):
        auth = (("authorization", "Bearer t"),)
        self.assertEqual(call_metadata(auth, pb.StepRequest(session_id="a.1")), auth + ((ROUTE_HEADER, "a"),))
        self.assertEqual(call_metadata(auth, pb.ListEnvsRequest()), auth)

    def test_an_explicit_route_takes_a_server_id_or_an_id_and_wins(self):
        self.assertEqual(route_to("pod-3"), "pod-3")
        self.assertEqual(route_to("pod-3.st-1"), "pod-3")
        with self.assertRaises(ValueError):
            route_to("Not A Server")
        self.assertEqual(call_metadata((), pb.CreateSessionRequest(), "pod-3"), ((ROUTE_HEADER, "pod-3"),))

    def test_batches_split_by_route_keep_indexes(self):
        self.assertEqual(group_by_route(["a.1", "b.2", "a.3", "legacy"]), {"a": [0, 2], "b": [1], None: [3]})


if __name__ == "__main__":
    unittest.main()
