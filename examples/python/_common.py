"""Flags shared by the examples, and the import of the client from this repository's clients/python."""
import argparse
import json
import os
import sys

# Run from a checkout without installing anything: PYTHONPATH=clients/python works too.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "clients", "python"))


def parser(description: str, **defaults) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--address", default="127.0.0.1:50051")
    p.add_argument("--env", default="sokoban")
    p.add_argument("--config", type=json.loads, default={}, help="session config as JSON")
    p.add_argument("--episodes", type=int, default=defaults.pop("episodes", 1))
    p.add_argument("--max-steps", type=int, default=defaults.pop("max_steps", 50))
    p.add_argument("--seed", type=int, default=0)
    for name, value in defaults.items():
        p.add_argument("--" + name.replace("_", "-"), type=type(value), default=value)
    return p
