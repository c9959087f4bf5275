"""gym-sokoban's step rate, measured by the bench itself (npm run bench -- --only=server).

Prints one JSON line. When numpy, gym or gym_sokoban cannot be imported by this
interpreter it prints {"available": false, "reason": ...} and exits 0, so the bench
records "unavailable" instead of failing. Otherwise it steps gym-sokoban's
SokobanEnv (6x6, 1 box, as the in-process figures) with random moves, resetting
when an episode ends, and reports steps/s for the observation modes it returns:
"raw" (the room arrays) and "tiny_rgb_array" (one pixel per cell). Room
generation on reset is excluded from the timing.

Usage: /usr/bin/python3 scripts/sokoban/gym_sokoban_steps.py [STEPS]
"""
import json
import sys
import time


def main() -> None:
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    try:
        import numpy as np  # noqa: F401
        from gym_sokoban.envs.sokoban_env import SokobanEnv
    except Exception as e:  # any import failure means "not installed here"
        print(json.dumps({"available": False, "reason": f"{type(e).__name__}: {e}"}))
        return
    env = SokobanEnv(dim_room=(6, 6), num_boxes=1, max_steps=10**9)
    rng = np.random.default_rng(99)
    plan = rng.integers(1, 9, size=1 << 16)
    result = {"available": True, "preset": "6x6-1box", "steps": steps}
    for mode in ("raw", "tiny_rgb_array"):
        env.reset()
        spent = 0.0
        done_steps = 0
        while done_steps < steps:
            t0 = time.perf_counter()
            n = 0
            done = False
            while not done and done_steps + n < steps:
                _, _, done, _ = env.step(int(plan[(done_steps + n) & 0xFFFF]), observation_mode=mode)
                n += 1
            spent += time.perf_counter() - t0
            done_steps += n
            if done:
                env.reset()
        result[f"stepsPerSec_{mode}"] = round(steps / spent)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
