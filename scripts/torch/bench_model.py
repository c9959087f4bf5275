#!/usr/bin/env python3
"""The agent model's architecture in PyTorch (CPU), timed like bench/agent-model.ts.

GPT-2 layout matching agent/model/transformer.ts: learned positions, pre-LayerNorm
blocks, tanh-GELU MLP, head tied to the token embedding, AdamW + global-norm
clipping. Prints one JSON object: training tokens/s and generation tokens/s
with and without a KV cache.

Usage: /usr/bin/python3 scripts/torch/bench_model.py '{"dModel":128,...}'
"""
import json
import math
import os
import re
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, d, h, dff):
        super().__init__()
        self.h = h
        self.ln1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.fc = nn.Linear(d, dff)
        self.out = nn.Linear(dff, d)

    def forward(self, x, mask, past=None):
        b, t, d = x.shape
        dh = d // self.h
        q, k, v = self.qkv(self.ln1(x)).view(b, t, 3, self.h, dh).permute(2, 0, 3, 1, 4)
        if past is not None:
            k = torch.cat([past[0], k], 2)
            v = torch.cat([past[1], v], 2)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(dh)
        if mask is not None:
            att = att + mask
        y = (att.softmax(-1) @ v).transpose(1, 2).reshape(b, t, d)
        x = x + self.proj(y)
        x = x + self.out(F.gelu(self.fc(self.ln2(x)), approximate="tanh"))
        return x, (k, v)


class LM(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.tok = nn.Embedding(c["vocabSize"], c["dModel"])
        self.pos = nn.Embedding(c["maxSeqLen"], c["dModel"])
        self.blocks = nn.ModuleList([Block(c["dModel"], c["nHeads"], c["dFF"]) for _ in range(c["nLayers"])])
        self.lnf = nn.LayerNorm(c["dModel"])

    def forward(self, ids, start=0, past=None):
        b, t = ids.shape
        x = self.tok(ids) + self.pos(torch.arange(start, start + t))
        mask = None
        if t > 1:
            mask = torch.full((t, t), -1e9).triu(1)
        present = []
        for i, blk in enumerate(self.blocks):
            x, kv = blk(x, mask, past[i] if past is not None else None)
            present.append(kv)
        return self.lnf(x) @ self.tok.weight.t(), present


def blas_info():
    """Which BLAS this process really loaded (Debian's torch links the generic libblas.so.3,
    which update-alternatives points at OpenBLAS or at the slow reference BLAS)."""
    loaded = sorted({l.split()[-1] for l in open("/proc/self/maps") if "blas" in l.split()[-1] or "lapack" in l.split()[-1]})
    m = re.search(r"BLAS_INFO=([^,\s]+)", torch.__config__.show())
    info = {"loaded": loaded, "torchBuildBlasInfo": m.group(1) if m else None}
    info["kind"] = "openblas" if any("openblas" in f for f in loaded) else ("reference" if any("/blas/libblas" in f for f in loaded) else "unknown")
    try:
        from threadpoolctl import threadpool_info
        for p in threadpool_info():
            if p.get("user_api") == "blas":
                info.update({"library": p.get("internal_api"), "version": p.get("version"), "coretype": p.get("architecture"), "threads": p.get("num_threads")})
    except ImportError:
        info["threadpoolctl"] = "not installed (apt-get install -y python3-threadpoolctl)"
    info["env"] = {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS")}
    return info


def main():
    c = json.loads(sys.argv[1])
    torch.manual_seed(0)
    threads = c.get("threads")
    if threads:
        torch.set_num_threads(threads)
        try:
            from threadpoolctl import threadpool_limits
            threadpool_limits(threads)
        except ImportError:
            pass
    model = LM(c)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4, betas=(0.9, 0.95), weight_decay=0.1)
    B, T = c["batch"], c["seqLen"]
    ids = torch.randint(0, 256, (B, T))
    steps = c.get("trainSteps", 5)

    def train_step():
        logits, _ = model(ids)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), ids.reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()

    train_step()
    reps = c.get("reps", 1)
    wall_tps, cpu_tps = [], []
    for _ in range(reps):
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(steps):
            train_step()
        # process_time() is process-wide: every thread's CPU time, as Node's process.cpuUsage().
        wall_tps.append(B * T * steps / (time.perf_counter() - t0))
        cpu_tps.append(B * T * steps / (time.process_time() - c0))
    train_tps = sorted(wall_tps)[len(wall_tps) // 2]

    gb, plen, new = c["genBatch"], c["genPrompt"], c["genTokens"]
    prompt = torch.randint(0, 256, (gb, plen))
    with torch.no_grad():
        def gen(cache):
            seq = prompt
            logits, past = model(seq)
            for i in range(new):
                nxt = logits[:, -1].argmax(-1, keepdim=True)
                seq = torch.cat([seq, nxt], 1)
                if i == new - 1:
                    break
                if cache:
                    logits, past = model(nxt, seq.shape[1] - 1, past)
                else:
                    logits, _ = model(seq)

        gen(True)
        t0 = time.perf_counter()
        gen(True)
        kv = gb * new / (time.perf_counter() - t0)
        t0 = time.perf_counter()
        gen(False)
        nokv = gb * new / (time.perf_counter() - t0)
    summary = lambda xs: {"median": round(sorted(xs)[len(xs) // 2]), "min": round(min(xs)), "max": round(max(xs)), "reps": len(xs)}
    print(json.dumps({
        "torchVersion": torch.__version__,
        "threads": torch.get_num_threads(),
        "blas": blas_info(),
        "trainTokensPerWallSec": summary(wall_tps),
        "trainTokensPerCpuSec": summary(cpu_tps),
        "params": sum(p.numel() for p in model.parameters()),
        "trainTokensPerSec": round(train_tps),
        "generateTokensPerSecKV": round(kv),
        "generateTokensPerSecNoCache": round(nokv),
    }))


if __name__ == "__main__":
    main()
