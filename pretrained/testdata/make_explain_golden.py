"""Writes pretrained/testdata/golden_explain.safetensors: PyTorch's explanations of the shipped
FashionNet's answers, for ml/explain's golden test (pretrained/explain_test.go).

Run from the repository root (make golden does):
    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 pretrained/testdata/make_explain_golden.py
Needs Debian's python3-torch and dataset-fashion-mnist. The definitions follow Captum's
(LayerGradCam without ReLU, IntegratedGradients with riemann_middle, Occlusion), written with
autograd on the reference module so that no other package is needed:

  gradcam.{i}.{block}   Σ_c mean(∂logit/∂A_c) · A_c at block's output (after its max-pool),
                        upsampled to 32×32 by F.interpolate(bilinear, align_corners=False)
  ig.{i}                x · mean_k ∂logit/∂x at α_k x, α_k = (k + ½)/steps, black baseline
  occlusion.{i}         mean over the 6×6 patches (stride 3) covering a pixel of the drop in the
                        class's log-probability when the patch is set to 0 (0 where none does)
  stepwise.{i}          occlusion; then, where the 10 % of the garment's pixels (those above 0)
                        it ranks highest (ties in pixel order) have a positive value, occlusion
                        of the picture without them for the other pixels, scaled to stay below
                        them
"""
import gzip
import hashlib
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from torchref import FashionNet, load_safetensors, save_safetensors  # noqa: E402

WEIGHTS = os.path.join(ROOT, "pretrained", "fashionnet.safetensors")
TEST_IMAGES = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"
STEPS = 32
PATCH, STRIDE = 6, 3
STEPWISE_FIRST_SHARE = 0.10


def inputs(n):
    with gzip.open(TEST_IMAGES) as f:
        raw = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 28, 28)[:n]
    x = torch.zeros(n, 1, 32, 32)
    x[:, 0, 2:30, 2:30] = torch.from_numpy(raw.astype(np.float32) / 255)
    return x


def gradcam(model, x, cls, block):
    # The reference module's forward pass, keeping the block's output (after its max-pool).
    h, kept = x, None
    for i in range(1, 5):
        h = getattr(model, f"conv{i}")(h)
        h = F.max_pool2d(getattr(model, f"bn{i}")(F.relu(h)), 2)
        if i == block:
            h.retain_grad()
            kept = h
    h = model.bn6(F.relu(model.fc2(model.bn5(F.relu(model.fc1(h.flatten(1)))))))
    model.fc3(h)[0, cls].backward()
    cam = (kept.grad.mean(dim=(2, 3), keepdim=True) * kept).sum(dim=1, keepdim=True)
    return F.interpolate(cam, size=(32, 32), mode="bilinear", align_corners=False)[0, 0].detach()


def integrated_gradients(model, x, cls):
    alphas = (torch.arange(STEPS, dtype=torch.float32) + 0.5) / STEPS
    path = (alphas.view(-1, 1, 1, 1) * x).requires_grad_(True)
    model(path)[:, cls].sum().backward()
    return (x * path.grad.mean(dim=0, keepdim=True))[0, 0].detach()


def occlusion(model, x, cls):
    with torch.no_grad():
        base = F.log_softmax(model(x), dim=1)[0, cls]
        total, count = torch.zeros(32, 32), torch.zeros(32, 32)
        for y in range(0, 32 - PATCH + 1, STRIDE):
            for x0 in range(0, 32 - PATCH + 1, STRIDE):
                occ = x.clone()
                occ[0, 0, y : y + PATCH, x0 : x0 + PATCH] = 0
                total[y : y + PATCH, x0 : x0 + PATCH] += base - F.log_softmax(model(occ), dim=1)[0, cls]
                count[y : y + PATCH, x0 : x0 + PATCH] += 1
    # Pixels no patch covers (the last rows and columns of the zero padding) get 0, as Captum's
    # Occlusion leaves them.
    return torch.where(count > 0, total / count.clamp(min=1), torch.zeros(()))


def stepwise_occlusion(model, x, cls):
    first = occlusion(model, x, cls)
    pixels, values = x[0, 0].flatten(), first.flatten()
    garment = sorted((p for p in range(1024) if pixels[p] > 0), key=lambda p: (-values[p].item(), p))
    take = math.floor(STEPWISE_FIRST_SHARE * len(garment) + 0.5)  # Go's math.Round, not banker's
    if take == 0 or take == len(garment) or not values[garment[take - 1]] > 0:
        return first
    floor = values[garment[take - 1]]
    rest = x.clone()
    for p in garment[:take]:
        rest[0, 0, p // 32, p % 32] = 0
    second = occlusion(model, rest, cls)
    top = max(second.flatten()[p] for p in garment[take:])
    scale = floor / top * (1 - 1e-3) if top >= floor else torch.tensor(1.0)
    return torch.where(rest[0, 0] == x[0, 0], second * scale, first)


def main():
    torch.set_num_threads(1)
    model = FashionNet()
    state, _ = load_safetensors(WEIGHTS)
    model.load_state_dict({k: v for k, v in state.items()})
    model.eval()
    with open(WEIGHTS, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    xs = inputs(4)
    out = {"x": xs}
    classes = []
    for i in range(len(xs)):
        x = xs[i : i + 1]
        with torch.no_grad():
            pred = int(model(x).argmax())
        # The answer, and a class it is not ("why not …?").
        for j, cls in enumerate((pred, (pred + 3) % 10)):
            classes.append(cls)
            key = f"{i}.{j}"
            for block in range(1, 5):
                out[f"gradcam.{key}.{block}"] = gradcam(model, x, cls, block)
            out[f"ig.{key}"] = integrated_gradients(model, x, cls)
            out[f"occlusion.{key}"] = occlusion(model, x, cls)
            out[f"stepwise.{key}"] = stepwise_occlusion(model, x, cls)
    out["classes"] = torch.tensor(classes, dtype=torch.int64)
    meta = {"made_by": "pretrained/testdata/make_explain_golden.py", "torch": torch.__version__,
            "weights_sha256": sha, "ig_steps": str(STEPS)}
    save_safetensors(os.path.join(os.path.dirname(__file__), "golden_explain.safetensors"), out, meta)


if __name__ == "__main__":
    main()
