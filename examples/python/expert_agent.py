"""Follows the environment's expert (ExpertPlan: Sokoban's optimal solver, ALFWorld's planner),
asking again after every step.

    python3 examples/python/expert_agent.py --env sokoban --config '{"preset": "6x6-1box"}'
"""
import json

from _common import parser

from dynamind_env import EnvClient

args = parser(__doc__, max_steps=100).parse_args()
with EnvClient(args.address) as client:
    session = client.create_session(args.env, args.config).session_id
    try:
        for episode in range(args.episodes):
            step = client.reset(session, seed=args.seed + episode)
            total = 0.0
            while not (step.terminated or step.truncated) and step.step_index < args.max_steps:
                plan = client.expert_plan(session)
                if not plan.actions:
                    break  # the expert has nothing to offer from here
                step = client.step(session, plan.actions[0])
                total += step.reward
            print(json.dumps({"episode": episode, "steps": step.step_index, "return": round(total, 3), "success": step.terminated}))
    finally:
        client.close_session(session)
