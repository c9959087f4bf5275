"""A random agent with the Gymnasium-style DynamindEnv: each step takes a valid action at random.

    python3 examples/python/random_agent.py --address 127.0.0.1:50051 --env sokoban --episodes 3
"""
import json
import random

from _common import parser

from dynamind_env import DynamindEnv

args = parser(__doc__, episodes=3).parse_args()
with DynamindEnv(args.address, args.env, config=args.config) as env:
    for episode in range(args.episodes):
        obs, info = env.reset(seed=args.seed + episode)
        total, steps, done = 0.0, 0, False
        while not done and steps < args.max_steps:
            obs, reward, terminated, truncated, info = env.step(random.choice(obs["valid_actions"]))
            total, steps, done = total + reward, steps + 1, terminated or truncated
        print(json.dumps({"episode": episode, "steps": steps, "return": round(total, 3), "done": done}))
