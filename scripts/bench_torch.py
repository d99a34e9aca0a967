"""Times PyTorch 1.13 (Debian python3-torch) and Lookbook's Go code on the same steps, side by side.

PyTorch runs at its best on this class of machine: torch.set_num_threads(2) with its BLAS pool
capped at one thread (OPENBLAS_NUM_THREADS=1, set by bench_torch.sh before Python starts), since
with both pools at two threads they fight over the two cores. Each figure is the median of
several timed repetitions.

The machine's speed drifts by a third from one minute to the next (it is a shared virtual
machine), so the two sides run in alternation, ROUNDS times: each round times PyTorch, then Go,
and gives each row's ratio; the ratio reported is the median over the rounds. The whole-epoch row
runs the trainer's default recipe (see epoch() and pretrained/trainer/bench_test.go) once per
side per round, when Fashion-MNIST is installed. Run through `make bench-torch`.
"""
import gzip
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

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


FASHION = "/usr/share/datasets/fashion-mnist"


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def epoch(data=FASHION, batch=64, lr=2e-3, wd=0.01, val=5000, shift=2):
    """One epoch of the trainer's default FashionNet recipe in PyTorch, timed from reading the
    data to the saved checkpoint: 5,000 images held out, batches of 64 with random flips and
    shifts of up to ±2 pixels (batched tensor indexing, no per-image Python), AdamW with
    decay on the weights only, the first epoch's linear warm-up, validation, checkpoint."""
    t0 = time.perf_counter()
    images = torch.from_numpy(read_idx(f"{data}/train-images-idx3-ubyte.gz").copy())
    labels = torch.from_numpy(read_idx(f"{data}/train-labels-idx1-ubyte.gz").astype(np.int64))
    perm = torch.randperm(len(images), generator=torch.Generator().manual_seed(0x100cb00c))
    train_idx, val_idx = perm[val:], perm[:val]
    torch.manual_seed(1)
    net = FashionNet()
    decay = [p for n, p in net.named_parameters() if p.dim() > 1]
    no_decay = [p for n, p in net.named_parameters() if p.dim() <= 1]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": wd}, {"params": no_decay, "weight_decay": 0}], lr=lr)
    # Each image is placed in a 32×32 frame at offset 2 + (dx, dy): crop a 32×32 window from the
    # image padded by 2 + shift on every side.
    pad = 2 + shift
    padded = F.pad(images, (pad, pad, pad, pad))
    grid = torch.arange(32)
    steps = len(train_idx) // batch
    order = train_idx[torch.randperm(len(train_idx))]
    net.train()
    for step in range(steps):
        for g in opt.param_groups:
            g["lr"] = lr * (step + 1) / steps  # warm-up over the first epoch
        idx = order[step * batch:(step + 1) * batch]
        dx = torch.randint(-shift, shift + 1, (batch,))
        dy = torch.randint(-shift, shift + 1, (batch,))
        flip = torch.rand(batch) < 0.5
        rows = (shift - dy)[:, None] + grid[None, :]
        cols = (shift - dx)[:, None] + grid[None, :]
        cols = torch.where(flip[:, None], cols.flip(1), cols)
        x = padded[idx[:, None, None], rows[:, :, None], cols[:, None, :]].float().div_(255).unsqueeze(1)
        opt.zero_grad()
        F.cross_entropy(net(x), labels[idx]).backward()
        opt.step()
    net.eval()
    correct, loss = 0, 0.0
    with torch.no_grad():
        for lo in range(0, val, 500):
            idx = val_idx[lo:lo + 500]
            x = F.pad(images[idx], (2, 2, 2, 2)).float().div_(255).unsqueeze(1)
            logits = net(x)
            loss += F.cross_entropy(logits, labels[idx], reduction="sum").item()
            correct += (logits.argmax(1) == labels[idx]).sum().item()
    with tempfile.TemporaryDirectory() as d:
        torch.save({"model": net.state_dict(), "opt": opt.state_dict()}, os.path.join(d, "ckpt.pt"))
    return time.perf_counter() - t0, correct / val


def go_figures(root, with_epoch):
    bench = "FashionNet|VAE"
    pkgs = ["./ml"]
    res = subprocess.run(["go", "test", "-run", "^$", "-bench", bench, "-benchtime", "2s", "-count", "1"] + pkgs,
                         cwd=root, capture_output=True, text=True, check=True)
    out = res.stdout
    if with_epoch:
        res = subprocess.run(["go", "test", "-run", "^$", "-bench", "FashionEpoch", "-benchtime", "1x", "-count", "1",
                              "./pretrained/trainer"], cwd=root, capture_output=True, text=True, check=True)
        out += res.stdout
    figures = {}
    for m in re.finditer(r"^Benchmark(\w+)-\d+\s+\d+\s+([\d.]+) ns/op", out, re.M):
        figures[m.group(1)] = float(m.group(2)) / 1e9
    return figures


ROWS = ["FashionNetTrainStep", "FashionNetInfer", "VAETrainStep", "VAEDecode", "VAEReconstruct", "FashionEpoch"]


def main():
    torch.set_num_threads(2)
    # Denormals: on the real data, PyTorch's epoch takes 51 s with them and 24 s flushed to zero
    # (this machine, 2026-12-03); the step rows do not change. Flushing is PyTorch at its best.
    # Our Go epoch gave the same validation figures with flushing forced on, so denormals play
    # no part in it, and it runs without.
    torch.set_flush_denormal(True)
    root = os.path.join(os.path.dirname(__file__), "..")
    rounds = int(os.environ.get("ROUNDS", "3"))
    with_epoch = os.path.exists(f"{FASHION}/train-images-idx3-ubyte.gz") and os.environ.get("EPOCH", "1") != "0"
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}, denormals flushed, {rounds} rounds")
    times = {name: ([], []) for name in ROWS}
    for r in range(rounds):
        t = torch_figures()
        if with_epoch:
            t["FashionEpoch"], acc = epoch()
            print(f"round {r+1}: PyTorch epoch {t['FashionEpoch']:.1f} s, validation accuracy {acc:.4f}", flush=True)
        g = go_figures(root, with_epoch)
        line = []
        for name in ROWS:
            if name in t and name in g:
                times[name][0].append(t[name])
                times[name][1].append(g[name])
                line.append(f"{name} {g[name]/t[name]:.2f}×")
        print(f"round {r+1}: " + ", ".join(line), flush=True)
    print(f"{'step':24} {'PyTorch':>10} {'Lookbook Go':>12} {'Go/PyTorch':>11}  (medians; ratio: median of the rounds' ratios)")
    for name in ROWS:
        tt, gg = times[name]
        if not tt:
            continue
        ratio = statistics.median(g / t for t, g in zip(tt, gg))
        unit, scale = ("s", 1) if name == "FashionEpoch" else ("ms", 1e3)
        print(f"{name:24} {statistics.median(tt)*scale:8.3f}{unit:2} {statistics.median(gg)*scale:10.3f}{unit:2} {ratio:10.2f}×")


if __name__ == "__main__":
    main()
