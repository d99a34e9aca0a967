"""Writes ml/testdata/golden_*.safetensors: PyTorch's answers for ml's golden tests.

Run from the repository root:  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 ml/testdata/make_golden.py
[FIXTURE...] (Debian's python3-torch 1.13). The model fixtures hold the inputs, the initial weights, the
forward outputs and loss of one training step, every parameter gradient, the state_dict after
that step's forward pass (BatchNorm running statistics and counters), and evaluation-mode outputs.
The Adam fixture holds three steps of torch.optim.Adam/AdamW on fixed gradients. Adam is checked
on its own because it divides by √v: gradients at rounding-noise level (exactly zero in theory,
e.g. a bias in front of BatchNorm) become ±lr steps, so two correct implementations' weights
differ after a step by up to lr wherever that happens.
"""
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts"))
from torchref import VAE, FashionNet, save_safetensors  # noqa: E402

HERE = os.path.dirname(__file__)
META = {"made_by": "ml/testdata/make_golden.py", "torch": torch.__version__}


def prefixed(prefix, d):
    return {prefix + k: v.clone() for k, v in d.items()}


def fashionnet():
    torch.manual_seed(0)
    model = FashionNet()
    x = torch.rand(8, 1, 32, 32)
    labels = torch.tensor([0, 1, 2, 3, 4, 5, 6, 7])
    out = prefixed("init.", model.state_dict())
    out["x"], out["labels"] = x, labels
    latent = []
    model.bn6.register_forward_hook(lambda mod, inp, outp: latent.append(outp.detach()))
    model.train()
    logits = model(x)
    loss = F.cross_entropy(logits, labels)
    loss.backward()
    out["logits"], out["loss"], out["latent"] = logits.detach(), loss.detach().reshape(1), latent[0]
    out.update({"grad." + n: p.grad.clone() for n, p in model.named_parameters()})
    out.update(prefixed("after.", model.state_dict()))
    model.eval()
    with torch.no_grad():
        out["eval_logits"] = model(x)
    save_safetensors(os.path.join(HERE, "golden_fashionnet.safetensors"), out, META)


def fashionnet_without_batchnorm():
    """The Train view's experiment: the course's module with its BatchNorm layers in evaluation
    mode at their initial state (the identity up to 1/sqrt(1 + eps)), trained through. Same
    weights and input as golden_fashionnet (seed 0), which the test takes them from."""
    torch.manual_seed(0)
    model = FashionNet()
    x = torch.rand(8, 1, 32, 32)
    labels = torch.tensor([0, 1, 2, 3, 4, 5, 6, 7])
    model.eval()
    logits = model(x)
    loss = F.cross_entropy(logits, labels)
    loss.backward()
    out = {"logits": logits.detach(), "loss": loss.detach().reshape(1)}
    out.update({"grad." + n: p.grad.clone() for n, p in model.named_parameters() if not n.startswith("bn")})
    save_safetensors(os.path.join(HERE, "golden_fashionnet_nobn.safetensors"), out, META)


def vae_bce():
    """The VAE's loss with binary cross-entropy in place of MSE, as the course compared. Same
    weights, faces and noise as golden_vae (seed 1), which the test takes them from; the
    gradients of all but the two largest weights."""
    torch.manual_seed(1)
    model = VAE()
    x = torch.rand(4, 3, 32, 32)
    eps = torch.randn(4, 120)
    mean, logvar = model.encode(x)
    recon = model.decode(mean + eps * torch.exp(0.5 * logvar))
    bce = F.binary_cross_entropy(recon, x)
    kl = -0.5 * torch.sum(1 + logvar - mean.pow(2) - logvar.exp())
    loss = bce + 1e-3 * kl
    loss.backward()
    out = {"loss": loss.detach().reshape(1), "bce": bce.detach().reshape(1), "kl": kl.detach().reshape(1)}
    out.update({"grad." + n: p.grad.clone() for n, p in model.named_parameters() if n not in ("fc1.weight", "fc3.weight")})
    save_safetensors(os.path.join(HERE, "golden_vae_bce.safetensors"), out, META)


def vae():
    torch.manual_seed(1)
    model = VAE()
    x = torch.rand(4, 3, 32, 32)
    eps = torch.randn(4, 120)
    out = prefixed("init.", model.state_dict())
    out["x"], out["eps"] = x, eps
    loss, mse, kl, recon, mean, logvar = model.loss(x, eps, 1e-5)
    loss.backward()
    out.update({"loss": loss.detach().reshape(1), "mse": mse.detach().reshape(1), "kl": kl.detach().reshape(1),
                "recon": recon.detach(), "mean": mean.detach(), "logvar": logvar.detach()})
    out.update({"grad." + n: p.grad.clone() for n, p in model.named_parameters()})
    with torch.no_grad():
        out["reconstruct"] = model.decode(model.encode(x)[0])
    save_safetensors(os.path.join(HERE, "golden_vae.safetensors"), out, META)


def adam():
    torch.manual_seed(2)
    out = {}
    p0 = torch.randn(64)
    grads = [torch.randn(64) * s for s in (1.0, 0.1, 3.0)]
    out["p0"] = p0
    for i, g in enumerate(grads):
        out[f"grad{i}"] = g
    for name, cls, wd in (("adam", torch.optim.Adam, 0.0), ("adam_l2", torch.optim.Adam, 0.01),
                          ("adamw", torch.optim.AdamW, 0.01)):
        p = torch.nn.Parameter(p0.clone())
        opt = cls([p], lr=1e-2, weight_decay=wd)
        for g in grads:
            p.grad = g.clone()
            opt.step()
        out[name] = p.detach().clone()
    save_safetensors(os.path.join(HERE, "golden_adam.safetensors"), out, META)


if __name__ == "__main__":
    torch.set_num_threads(1)
    # Each fixture alone: make_golden.py NAME ... (all without arguments).
    makers = {"fashionnet": fashionnet, "fashionnet_without_batchnorm": fashionnet_without_batchnorm,
              "vae": vae, "vae_bce": vae_bce, "adam": adam}
    for name in sys.argv[1:] or makers:
        makers[name]()
