#!/usr/bin/env bash
# PyTorch vs Lookbook's Go on the same training and inference steps. See bench_torch.py.
set -euo pipefail
cd "$(dirname "$0")/.."
OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=2 exec /usr/bin/python3 scripts/bench_torch.py
