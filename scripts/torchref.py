"""PyTorch reference implementations of Lookbook's two models, for golden tests and benchmarks.

The modules and their attribute names match ml/fashionnet.go and ml/vae.go, so state_dict
names are the same on both sides. Needs Debian's python3-torch; run with /usr/bin/python3.
"""
import json
import struct

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class FashionNet(nn.Module):
    def __init__(self):
        super().__init__()
        ch = [1, 16, 32, 64, 128]
        for i in range(4):
            setattr(self, f"conv{i+1}", nn.Conv2d(ch[i], ch[i + 1], 3, 1, 1))
            setattr(self, f"bn{i+1}", nn.BatchNorm2d(ch[i + 1]))
        self.fc1 = nn.Linear(512, 256)
        self.bn5 = nn.BatchNorm1d(256)
        self.fc2 = nn.Linear(256, 128)
        self.bn6 = nn.BatchNorm1d(128)
        self.fc3 = nn.Linear(128, 10)

    def features(self, x):
        for i in range(4):
            x = getattr(self, f"conv{i+1}")(x)
            x = F.max_pool2d(getattr(self, f"bn{i+1}")(F.relu(x)), 2)
        x = x.flatten(1)
        x = self.bn5(F.relu(self.fc1(x)))
        return self.bn6(F.relu(self.fc2(x)))

    def forward(self, x):
        return self.fc3(self.features(x))


class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, 2, 1)
        self.conv2 = nn.Conv2d(16, 32, 3, 2, 1)
        self.fc1 = nn.Linear(2048, 256)
        self.fc_mean = nn.Linear(256, 120)
        self.fc_logvar = nn.Linear(256, 120)
        self.fc2 = nn.Linear(120, 256)
        self.fc3 = nn.Linear(256, 2048)
        self.conv3 = nn.ConvTranspose2d(32, 16, 4, 2, 1)
        self.conv4 = nn.ConvTranspose2d(16, 3, 4, 2, 1)

    def encode(self, x):
        h = F.relu(self.conv1(x))
        h = F.relu(self.conv2(h))
        h = F.relu(self.fc1(h.flatten(1)))
        return self.fc_mean(h), self.fc_logvar(h)

    def decode(self, z):
        h = F.relu(self.fc2(z))
        h = F.relu(self.fc3(h)).view(-1, 32, 8, 8)
        h = F.relu(self.conv3(h))
        return torch.sigmoid(self.conv4(h))

    def loss(self, x, eps, kl_weight):
        mean, logvar = self.encode(x)
        z = mean + eps * torch.exp(0.5 * logvar)
        recon = self.decode(z)
        mse = F.mse_loss(recon, x)
        kl = -0.5 * torch.sum(1 + logvar - mean.pow(2) - logvar.exp())
        return mse + kl_weight * kl, mse, kl, recon, mean, logvar


def save_safetensors(path, tensors, metadata):
    """Writes a dict of name -> torch tensor as safetensors (F32, or I64 for integer tensors)."""
    header, chunks, offset = {"__metadata__": metadata}, [], 0
    for name, t in tensors.items():
        t = t.detach().cpu().contiguous()
        if t.dtype in (torch.int64, torch.int32):
            arr, dtype = t.to(torch.int64).numpy().astype("<i8"), "I64"
        else:
            arr, dtype = t.to(torch.float32).numpy().astype("<f4"), "F32"
        raw = arr.tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    js = json.dumps(header, separators=(",", ":")).encode()
    js += b" " * (-len(js) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(js)))
        f.write(js)
        for c in chunks:
            f.write(c)


def load_safetensors(path):
    """Reads a safetensors file written by Lookbook into a dict of torch tensors and the metadata."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    meta = header.pop("__metadata__", {})
    body = data[8 + n :]
    out = {}
    for name, e in header.items():
        b, end = e["data_offsets"]
        dt = {"F32": "<f4", "F16": "<f2", "I64": "<i8"}[e["dtype"]]
        arr = np.frombuffer(body[b:end], dtype=dt).reshape(e["shape"])
        out[name] = torch.from_numpy(arr.astype(np.float32) if dt == "<f2" else arr.copy())
    return out, meta
