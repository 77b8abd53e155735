#!/usr/bin/env python3
"""The diffusers side of the full-size SDXL UNet check: one UNet2DConditionModel forward
(diffusers v0.33.1, fp32, CPU) on the random weights `gpuq_bench --full-unet write DIR` wrote,
with fixed inputs, saved as REFERENCE (in.* inputs and out.sample, a few hundred kB).

  PYTHONPATH=<diffusers src and shims> python3 scripts/full_unet_reference.py DIR REFERENCE

The module is built with its parameters on the meta device, then each parameter becomes a view
of the memory-mapped weight file, so the 10.3 GB of weights are read from the page cache rather
than copied (peak memory about the file size). A module named by --boot is imported first (the
place for compatibility shims).
"""

import argparse
import importlib
import json
import os
import struct
import time

from meta_modules import build_on_meta

LATENT = 32
SEED = 0
TIMESTEP = 637.0


def mapped_tensors(torch, numpy, path):
    """name -> fp32 tensor viewing the safetensors file (read-only mapping, no copy)."""
    with open(path, "rb") as f:
        (header_len,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(header_len))
    data = numpy.memmap(path, dtype=numpy.uint8, mode="r", offset=8 + header_len)
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            raise SystemExit(f"{path}: {name} is {info['dtype']}, expected F32")
        begin, end = info["data_offsets"]
        array = numpy.frombuffer(data, dtype=numpy.float32, count=(end - begin) // 4, offset=begin)
        out[name] = torch.from_numpy(array).view(info["shape"])
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dir")
    parser.add_argument("reference")
    parser.add_argument("--boot", default=None)
    args = parser.parse_args()
    if args.boot:
        importlib.import_module(args.boot)
    import numpy
    import torch
    from diffusers import UNet2DConditionModel
    from safetensors.torch import save_file

    folder = os.path.join(args.dir, "unet")
    config = UNet2DConditionModel.load_config(folder)
    unet = build_on_meta(torch, lambda: UNet2DConditionModel.from_config(config))
    weights = mapped_tensors(torch, numpy, os.path.join(folder, "diffusion_pytorch_model.safetensors"))
    expected = {name for name, _ in unet.named_parameters()}
    if expected != set(weights):
        raise SystemExit(f"weight file and module differ: {sorted(expected ^ set(weights))[:5]}")
    for name, tensor in weights.items():
        owner, _, leaf = name.rpartition(".")
        setattr(unet.get_submodule(owner), leaf, torch.nn.Parameter(tensor, requires_grad=False))
    unet.eval()

    generator = torch.Generator().manual_seed(SEED)
    cross = config["cross_attention_dim"]
    pooled = config["projection_class_embeddings_input_dim"] - 6 * config["addition_time_embed_dim"]
    inputs = {
        "in.sample": torch.randn(1, config["in_channels"], LATENT, LATENT, generator=generator),
        "in.timestep": torch.tensor(TIMESTEP),
        "in.encoder_hidden_states": torch.randn(1, 77, cross, generator=generator),
        "in.text_embeds": torch.randn(1, pooled, generator=generator),
        "in.time_ids": torch.tensor([[1024.0, 1024.0, 0.0, 0.0, 1024.0, 1024.0]]),
    }
    start = time.time()
    with torch.no_grad():
        out = unet(
            inputs["in.sample"],
            inputs["in.timestep"],
            encoder_hidden_states=inputs["in.encoder_hidden_states"],
            added_cond_kwargs={"text_embeds": inputs["in.text_embeds"], "time_ids": inputs["in.time_ids"]},
        ).sample
    seconds = time.time() - start
    import diffusers

    metadata = {
        "format": "pt",
        "producedBy": f"diffusers {diffusers.__version__} UNet2DConditionModel, torch {torch.__version__}, fp32 CPU",
        "weights": "gpuq_bench --full-unet write (random_weights, seed 1) from the published SDXL base 1.0 unet/config.json",
        "inputs": f"torch.Generator().manual_seed({SEED}) randn: sample, encoder_hidden_states, text_embeds",
    }
    save_file({**inputs, "out.sample": out.contiguous()}, args.reference, metadata=metadata)
    print(f"diffusers UNet step {seconds:.1f} s; out.sample max |x| {out.abs().max().item():.4g}; wrote {args.reference}")


if __name__ == "__main__":
    main()
