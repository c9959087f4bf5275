"""An agent behind any OpenAI-compatible chat endpoint (vLLM, llama.cpp, OpenAI, or this project's
`dynamind serve-model`): the environment's instructions as the system prompt, the observation and
valid actions as the user turn; the first valid action named in the reply is played (a random one
when the reply names none, counted as invalid). Standard library only for HTTP.

    python3 examples/python/llm_agent.py --llm-url http://127.0.0.1:8000/v1 --model my-model --env alfworld
"""
import json
import os
import random
import urllib.request

from _common import parser

from dynamind_env import EnvClient

args = parser(__doc__, max_steps=20, llm_url="http://127.0.0.1:8000/v1", model="default", max_tokens=64).parse_args()
api_key = os.environ.get("OPENAI_API_KEY", "none")


def chat(messages):
    body = json.dumps({"model": args.model, "messages": messages, "max_tokens": args.max_tokens, "temperature": 0}).encode()
    req = urllib.request.Request(
        args.llm_url.rstrip("/") + "/chat/completions",
        data=body,
        headers={"content-type": "application/json", "authorization": "Bearer " + api_key},
    )
    with urllib.request.urlopen(req, timeout=120) as res:
        return json.load(res)["choices"][0]["message"]["content"] or ""


def pick(reply, valid):
    """The valid action the reply names (the longest match: "cabinet 10" before "cabinet 1")."""
    for action in sorted(valid, key=len, reverse=True):
        if action in reply:
            return action
    return None


with EnvClient(args.address) as client:
    created = client.create_session(args.env, args.config)
    session = created.session_id
    try:
        for episode in range(args.episodes):
            step = client.reset(session, seed=args.seed + episode)
            total, invalid = 0.0, 0
            while not (step.terminated or step.truncated) and step.step_index < args.max_steps:
                valid = list(step.observation.valid_actions)
                reply = chat([
                    {"role": "system", "content": created.spec.instructions},
                    {"role": "user", "content": step.observation.text + "\n\nValid actions:\n" + "\n".join(valid) + "\n\nAnswer with one valid action."},
                ])
                chosen = pick(reply, valid)
                if chosen is None:
                    invalid += 1
                    chosen = random.choice(valid)
                step = client.step(session, chosen)
                total += step.reward
            print(json.dumps({"episode": episode, "steps": step.step_index, "return": round(total, 3), "success": step.terminated, "invalid": invalid}))
    finally:
        client.close_session(session)
