#!/usr/bin/env python3
"""Writes test/wan-vae-widths/: an AutoencoderKLWan (diffusers v0.33.1) with Wan 2.1's layout
(dim_mult [1, 2, 4, 4], num_res_blocks 2, temporal downsampling [false, true, true], z_dim 16)
at base_dim 4 instead of 96, so every channel change of the real model (shortcut convolutions,
the decoder's halved upsampler outputs and the widening resnet after them) is present in a
1.5 MB checkpoint; plus one encode and one decode of fixed inputs as the reference.

  PYTHONPATH=<diffusers src and shims> python3 scripts/wan_vae_reference.py OUT --boot torch113_shims

Weights: diffusers' initialisation under torch.manual_seed(0), then every RMS-norm gamma set to
1 + 0.1 N(0, 1) (they initialise to ones, which would hide a gamma read from the wrong place).
Inputs: video [1, 3, 9, 32, 32] uniform in [-1, 1] and z [1, 16, 3, 4, 4] N(0, 1) from
torch.Generator().manual_seed(1). Each output's tolerance (metadata `atol.<name>`) is 20x its
float32-vs-float64 max difference (the same model and inputs rerun in float64), at least 1e-6.
"""

import argparse
import importlib
import json
import os

CONFIG = {
    "base_dim": 4,
    "z_dim": 16,
    "dim_mult": [1, 2, 4, 4],
    "num_res_blocks": 2,
    "attn_scales": [],
    "temperal_downsample": [False, True, True],
    "dropout": 0.0,
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--boot", default=None)
    args = parser.parse_args()
    if args.boot:
        importlib.import_module(args.boot)
    import torch
    from diffusers import AutoencoderKLWan
    from safetensors.torch import save_file

    torch.manual_seed(0)
    vae = AutoencoderKLWan(**CONFIG).eval()
    with torch.no_grad():
        for name, param in vae.named_parameters():
            if name.endswith(".gamma"):
                param.copy_(1.0 + 0.1 * torch.randn(param.shape))
    vae.save_pretrained(os.path.join(args.out, "vae"), safe_serialization=True)

    generator = torch.Generator().manual_seed(1)
    video = torch.rand(1, 3, 9, 32, 32, generator=generator) * 2 - 1
    z = torch.randn(1, 16, 3, 4, 4, generator=generator)

    def run(model, dtype):
        model = model.to(dtype)
        with torch.no_grad():
            mu = model.encode(video.to(dtype)).latent_dist.mean
            decoded = model.decode(z.to(dtype)).sample
        return {"out.mu": mu, "out.video": decoded}

    outputs = run(vae, torch.float32)
    outputs64 = run(vae, torch.float64)
    metadata = {
        "format": "pt",
        "producedBy": "diffusers 0.33.1 AutoencoderKLWan, torch " + torch.__version__ + ", CPU",
        "config": json.dumps(CONFIG),
    }
    for name, value in outputs.items():
        spread = (value.double() - outputs64[name]).abs().max().item()
        metadata["atol." + name] = repr(max(20 * spread, 1e-6))
        print(f"{name}: shape {list(value.shape)}, max |x| {value.abs().max().item():.4g}, fp32 vs fp64 {spread:.3g}")
    tensors = {"in.video": video, "in.z": z, **{k: v.float().contiguous() for k, v in outputs.items()}}
    save_file(tensors, os.path.join(args.out, "reference.safetensors"), metadata=metadata)


if __name__ == "__main__":
    main()
