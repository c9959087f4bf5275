#!/usr/bin/env python3
"""Single-thread GEMM speed of PyTorch CPU on the shapes the agent model's step multiplies
(the ceiling bench/gemm-ceiling.ts compares tfjs-backend-wasm's matMul with).

Usage: /usr/bin/python3 scripts/torch/gemm.py '{"shapes": [[M, K, N], ...], "reps": 5, "minSeconds": 0.2}'
Prints one JSON object: GFLOP/s per shape (median and min-max over reps) and the BLAS loaded.
"""
import json
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_model import blas_info  # noqa: E402


def main():
    c = json.loads(sys.argv[1])
    torch.set_num_threads(1)
    torch.manual_seed(0)
    out = []
    for m, k, n in c["shapes"]:
        a = torch.randn(m, k)
        b = torch.randn(k, n)
        torch.mm(a, b)
        # Enough products per repetition that one repetition lasts minSeconds.
        t0 = time.perf_counter()
        torch.mm(a, b)
        once = max(time.perf_counter() - t0, 1e-6)
        inner = max(1, int(c.get("minSeconds", 0.2) / once))
        rates = []
        for _ in range(c.get("reps", 5)):
            t0 = time.perf_counter()
            for _ in range(inner):
                torch.mm(a, b)
            dt = time.perf_counter() - t0
            rates.append(2 * m * k * n * inner / dt / 1e9)
        out.append({"shape": [m, k, n], "gflops": {"median": round(statistics.median(rates), 2), "min": round(min(rates), 2), "max": round(max(rates), 2), "reps": len(rates)}})
    print(json.dumps({"torchVersion": torch.__version__, "threads": 1, "blas": blas_info(), "gemm": out}))


if __name__ == "__main__":
    main()
