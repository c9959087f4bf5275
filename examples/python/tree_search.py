"""Search over the real dynamics with Expand: at each step every action sequence of length --depth
(over the first --width valid actions) runs in one round trip, the session untouched; the first
action of the best branch (highest return, then the shortest way to the end, then at random) is played.

    python3 examples/python/tree_search.py --env sokoban --config '{"preset": "6x6-1box"}' --depth 3
"""
import itertools
import json
import random

from _common import parser

from dynamind_env import EnvClient

args = parser(__doc__, max_steps=30, depth=3, width=4).parse_args()


def score(steps):
    reward = sum(s.reward for s in steps)
    ends = -len(steps) if any(s.terminated for s in steps) else float("-inf")
    return (reward, ends)


with EnvClient(args.address) as client:
    session = client.create_session(args.env, args.config).session_id
    try:
        for episode in range(args.episodes):
            step = client.reset(session, seed=args.seed + episode)
            total, nodes = 0.0, 0
            while not (step.terminated or step.truncated) and step.step_index < args.max_steps:
                actions = list(step.observation.valid_actions)[: args.width]
                sequences = [list(seq) for seq in itertools.product(actions, repeat=args.depth)]
                branches = client.expand(session, sequences)
                nodes += sum(len(b.steps) for b in branches)
                scores = [score(b.steps) for b in branches]
                best = max(scores)
                step = client.step(session, random.choice([seq for seq, s in zip(sequences, scores) if s == best])[0])
                total += step.reward
            print(json.dumps({"episode": episode, "steps": step.step_index, "return": round(total, 3), "success": step.terminated, "nodes": nodes}))
    finally:
        client.close_session(session)
