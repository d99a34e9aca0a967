"""Times PyTorch 1.13 (Debian python3-torch) and Lookbook's Go code on the same steps, side by side.

PyTorch runs at its best on this class of machine: torch.set_num_threads(2) with its BLAS pool
capped at one thread (OPENBLAS_NUM_THREADS=1, set by bench_torch.sh before Python starts), since
with both pools at two threads they fight over the two cores. Each figure is the median of
several timed repetitions. Run through `make bench-torch`.
"""
import os
import re
import statistics
import subprocess
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from torchref import VAE, FashionNet  # noqa: E402


def median_time(fn, reps, warmup=3):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def torch_figures():
    torch.manual_seed(0)
    net = FashionNet()
    opt = torch.optim.Adam(net.parameters())
    x, y = torch.rand(64, 1, 32, 32), torch.randint(0, 10, (64,))

    def train_step():
        opt.zero_grad()
        F.cross_entropy(net(x), y).backward()
        opt.step()

    out = {"FashionNetTrainStep": median_time(train_step, 30)}
    net.eval()
    x1 = torch.rand(1, 1, 32, 32)
    with torch.no_grad():
        out["FashionNetInfer"] = median_time(lambda: net(x1), 300)
    vae = VAE()
    vopt = torch.optim.Adam(vae.parameters())
    xv = torch.rand(32, 3, 32, 32)

    def vae_step():
        vopt.zero_grad()
        loss, *_ = vae.loss(xv, torch.randn(32, 120), 1e-5)
        loss.backward()
        vopt.step()

    out["VAETrainStep"] = median_time(vae_step, 30)
    z = torch.randn(1, 120)
    x1v = torch.rand(1, 3, 32, 32)
    with torch.no_grad():
        out["VAEDecode"] = median_time(lambda: vae.decode(z), 300)
        out["VAEReconstruct"] = median_time(lambda: vae.decode(vae.encode(x1v)[0]), 300)
    return out


def go_figures(root):
    res = subprocess.run(["go", "test", "-run", "^$", "-bench", "FashionNet|VAE", "-benchtime", "2s", "-count", "5", "./ml"],
                         cwd=root, capture_output=True, text=True, check=True)
    runs = {}
    for m in re.finditer(r"^Benchmark(\w+)-\d+\s+\d+\s+([\d.]+) ns/op", res.stdout, re.M):
        runs.setdefault(m.group(1), []).append(float(m.group(2)) / 1e9)
    return {k: statistics.median(v) for k, v in runs.items()}


def main():
    torch.set_num_threads(2)
    root = os.path.join(os.path.dirname(__file__), "..")
    t = torch_figures()
    g = go_figures(root)
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}")
    print(f"{'step':24} {'PyTorch':>10} {'Lookbook Go':>12} {'Go/PyTorch':>11}")
    for name in ["FashionNetTrainStep", "FashionNetInfer", "VAETrainStep", "VAEDecode", "VAEReconstruct"]:
        if name in t and name in g:
            print(f"{name:24} {t[name]*1e3:8.3f}ms {g[name]*1e3:10.3f}ms {g[name]/t[name]:10.2f}×")


if __name__ == "__main__":
    main()
