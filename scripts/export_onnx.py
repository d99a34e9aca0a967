"""Exports Lookbook's shipped FashionNet and VAE decoder to ONNX, for the browser benchmark's
ONNX Runtime Web side (make bench-web). The weights are read from our safetensors files, so both
sides run the same numbers; the benchmark also checks that their outputs agree.

    /usr/bin/python3 scripts/export_onnx.py OUT_DIR

Needs Debian's python3-torch (torch.onnx needs nothing else).
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from torchref import VAE, FashionNet, load_safetensors  # noqa: E402


class Decoder(torch.nn.Module):
    def __init__(self, vae):
        super().__init__()
        self.vae = vae

    def forward(self, z):
        return self.vae.decode(z)


def load(model, path):
    state, _ = load_safetensors(path)
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [m for m in missing if not m.endswith("num_batches_tracked")]
    if missing or unexpected:
        raise SystemExit(f"{path}: missing {missing}, unexpected {unexpected}")
    return model.eval()


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "build/bench-web"
    os.makedirs(out, exist_ok=True)
    net = load(FashionNet(), "pretrained/fashionnet.safetensors")
    vae = load(VAE(), "pretrained/vae.safetensors")
    with torch.no_grad():
        torch.onnx.export(net, torch.zeros(1, 1, 32, 32), os.path.join(out, "fashionnet.onnx"),
                          input_names=["x"], output_names=["logits"], opset_version=13,
                          dynamic_axes={"x": {0: "batch"}, "logits": {0: "batch"}})
        torch.onnx.export(Decoder(vae), torch.zeros(1, 120), os.path.join(out, "vae_decoder.onnx"),
                          input_names=["z"], output_names=["face"], opset_version=13,
                          dynamic_axes={"z": {0: "batch"}, "face": {0: "batch"}})
    print(f"wrote {out}/fashionnet.onnx and {out}/vae_decoder.onnx")


if __name__ == "__main__":
    main()
