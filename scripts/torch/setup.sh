#!/usr/bin/env bash
# Set-up for the agent bench's PyTorch CPU reference (npm run bench -- --only=agent):
# Debian's python3-torch with OpenBLAS. Without libopenblas0, Debian's torch runs on the
# reference BLAS and trains ~25x slower, which makes any comparison meaningless; the bench
# records which BLAS it loaded either way. Run as root.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq python3-torch libopenblas0 python3-threadpoolctl >/dev/null
# libblas.so.3 must resolve to OpenBLAS (priority 100 beats the reference BLAS's 10 in auto mode).
update-alternatives --query libblas.so.3-x86_64-linux-gnu | sed -n 's/^Value: /libblas.so.3 -> /p'
/usr/bin/python3 -c "import torch, threadpoolctl; print('torch', torch.__version__, [(p['internal_api'], p.get('version'), p.get('architecture')) for p in threadpoolctl.threadpool_info() if p['user_api'] == 'blas'])"
