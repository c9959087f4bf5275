"""The Python half of test/scale-out.test.ts: the repository's Python client through the proxy.

    scale_out_client.py play ADDRESS SERVERS   -> prints {"sessions": {server_id: [session_id, ...]}}
    scale_out_client.py after-stop ADDRESS GONE_SESSION LIVE_SESSION...

`play` creates sessions until each of SERVERS (comma-separated ids) holds one, and
on each steps, clones, restores, expands and forks; `after-stop` checks that a
session on the stopped server fails with a retryable UNAVAILABLE while the
others still step. Exits non-zero (with a traceback) on any failed check.
"""

import json
import sys

import grpc

from dynamind_env import DynamindEnv, EnvClient
from dynamind_env.errors import DynamindError
from dynamind_env._rpc import route_of


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def play(client: EnvClient, servers):
    sessions = {s: [] for s in servers}
    for _ in range(10 * len(servers)):
        if all(sessions.values()):
            break
        sid = client.create_session("sokoban").session_id
        check(route_of(sid) in sessions, f"session {sid} names no server of the fleet")
        sessions[route_of(sid)].append(sid)
    check(all(sessions.values()), f"CreateSession never reached some server: {sessions}")
    pinned = client.create_session("sokoban", route=servers[1]).session_id
    check(route_of(pinned) == servers[1], "create_session(route=) did not reach that server")

    firsts = [ids[0] for ids in sessions.values()]
    for sid in firsts:
        client.reset(sid, seed=7)
        client.step(sid, "Up")
        saved = client.clone_state(sid, portable=True)
        check(route_of(saved.handle.id) == route_of(sid), "a handle is not on its session's server")
        after = client.step(sid, "Left")
        back = client.restore_state(sid, saved.handle)
        check(back.step_index == 1, "restore by handle did not return to step 1")
        branches = client.expand(sid, [["Down"], ["Right", "Up"]], return_leaf_states=True)
        check(len(branches) == 2 and len(branches[1].steps) == 2, "expand returned the wrong branches")
        client.restore_state(sid, branches[1].leaf_state)
        child = client.fork(sid)
        check(route_of(child.session_id) == route_of(sid), "a fork of a session left its server")
        # Portable bytes are accepted wherever the proxy sends them (the fleet shares the state key).
        moved = client.fork(portable_state=saved.portable_state)
        check(moved.result.step_index == 1, "fork from portable bytes is not at step 1")
        check(client.release_state([saved.handle, branches[1].leaf_state]) == 2, "release did not find both handles")
    # One BatchStep per server behind the proxy, results in order.
    items = client.batch_step([(sid, "Down") for sid in firsts])
    check(all(not isinstance(i, DynamindError) for i in items), f"batch step failed: {items}")
    # The Gymnasium-style wrapper goes through the same client.
    with DynamindEnv(client.address, "sokoban") as env:
        env.reset(seed=3)
        env.step("Up")
    print(json.dumps({"sessions": sessions}))


def after_stop(client: EnvClient, gone, live):
    try:
        client.step(gone, "Up")
        raise AssertionError("a session on the stopped server still answered")
    except DynamindError as err:
        check(err.code == grpc.StatusCode.UNAVAILABLE, f"code {err.code}")
        check(err.reason == "SERVER_UNREACHABLE", f"reason {err.reason}")
        check(err.retryable, "not retryable")
    for sid in live:
        client.step(sid, "Up")
    for _ in range(6):
        created = client.create_session("sokoban").session_id
        check(route_of(created) != route_of(gone), "a new session landed on the stopped server")
    print(json.dumps({"ok": True}))


def main():
    mode, address = sys.argv[1], sys.argv[2]
    with EnvClient(address, timeout=30) as client:
        if mode == "play":
            play(client, sys.argv[3].split(","))
        else:
            after_stop(client, sys.argv[3], sys.argv[4:])


if __name__ == "__main__":
    main()
