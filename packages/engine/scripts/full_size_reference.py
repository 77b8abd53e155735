#!/usr/bin/env python3
"""The diffusers side of the full-size SDXL base check: one UNet2DConditionModel forward and one
AutoencoderKL decode (diffusers v0.33.1, fp32, CPU) on the random weights `gpuq_bench --full-size
write DIR` wrote, with fixed inputs, saved into REFERENCES as unet_step.safetensors and
vae_decode.safetensors (in.* inputs and the output; under 1 MB each). Components without weights
in DIR are left out.

  PYTHONPATH=<diffusers src and shims> python3 scripts/full_size_reference.py DIR REFERENCES

Each module is built with its parameters on the meta device, then each parameter becomes a view
of the memory-mapped weight file, so the 10.3 GB of UNet weights are read from the page cache
rather than copied (peak memory about the file size). A module named by --boot is imported first
(the place for compatibility shims).
"""

import argparse
import importlib
import json
import os
import struct
import time

from meta_modules import build_on_meta

LATENT = 32
UNET_INPUT_SEED = 0
VAE_INPUT_SEED = 1
TIMESTEP = 637.0
WEIGHTS = "gpuq_bench --full-size write (random_weights: UNet seed 1, VAE seed 2) from the published SDXL base 1.0 configs"


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


def attach_mapped(torch, model, weights, where):
    """Makes each parameter of `model` the tensor of the same name in `weights` (name -> tensor)."""
    expected = {name for name, _ in model.named_parameters()}
    if expected != set(weights):
        raise SystemExit(f"{where}: weight files and module differ: {sorted(expected ^ set(weights))[:5]}")
    for name, tensor in weights.items():
        owner, _, leaf = name.rpartition(".")
        setattr(model.get_submodule(owner), leaf, torch.nn.Parameter(tensor, requires_grad=False))
    return model.eval()


def load_mapped(torch, numpy, cls, folder):
    """The diffusers model of `folder` with its parameters viewing the folder's weight file."""
    config = cls.load_config(folder)
    model = build_on_meta(torch, lambda: cls.from_config(config))
    weights = mapped_tensors(torch, numpy, os.path.join(folder, "diffusion_pytorch_model.safetensors"))
    return attach_mapped(torch, model, weights, folder), config


def unet_step(torch, numpy, folder):
    from diffusers import UNet2DConditionModel

    unet, config = load_mapped(torch, numpy, UNet2DConditionModel, folder)
    generator = torch.Generator().manual_seed(UNET_INPUT_SEED)
    cross = config["cross_attention_dim"]
    pooled = config["projection_class_embeddings_input_dim"] - 6 * config["addition_time_embed_dim"]
    inputs = {
        "in.sample": torch.randn(1, config["in_channels"], LATENT, LATENT, generator=generator),
        "in.timestep": torch.tensor(TIMESTEP),
        "in.encoder_hidden_states": torch.randn(1, 77, cross, generator=generator),
        "in.text_embeds": torch.randn(1, pooled, generator=generator),
        "in.time_ids": torch.tensor([[1024.0, 1024.0, 0.0, 0.0, 1024.0, 1024.0]]),
    }
    with torch.no_grad():
        out = unet(
            inputs["in.sample"],
            inputs["in.timestep"],
            encoder_hidden_states=inputs["in.encoder_hidden_states"],
            added_cond_kwargs={"text_embeds": inputs["in.text_embeds"], "time_ids": inputs["in.time_ids"]},
        ).sample
    seed_note = f"torch.Generator().manual_seed({UNET_INPUT_SEED}) randn: sample, encoder_hidden_states, text_embeds"
    return {**inputs, "out.sample": out}, seed_note


def vae_decode(torch, numpy, folder):
    from diffusers import AutoencoderKL

    vae, config = load_mapped(torch, numpy, AutoencoderKL, folder)
    generator = torch.Generator().manual_seed(VAE_INPUT_SEED)
    z = torch.randn(1, config["latent_channels"], LATENT, LATENT, generator=generator)
    with torch.no_grad():
        image = vae.decode(z).sample
    return {"in.z": z, "out.image": image}, f"torch.Generator().manual_seed({VAE_INPUT_SEED}) randn: z"


def parse_args_and_boot():
    """DIR REFERENCES [--boot MODULE]; imports MODULE (the compatibility shims) before anything else."""
    parser = argparse.ArgumentParser()
    parser.add_argument("dir")
    parser.add_argument("references")
    parser.add_argument("--boot", default=None)
    args = parser.parse_args()
    if args.boot:
        importlib.import_module(args.boot)
    return args


def main():
    args = parse_args_and_boot()
    import diffusers
    import numpy
    import torch
    from safetensors.torch import save_file

    for component, run, name in (("unet", unet_step, "unet_step"), ("vae", vae_decode, "vae_decode")):
        folder = os.path.join(args.dir, component)
        if not os.path.exists(os.path.join(folder, "diffusion_pytorch_model.safetensors")):
            continue
        start = time.time()
        tensors, inputs = run(torch, numpy, folder)
        seconds = time.time() - start
        out_name = [k for k in tensors if k.startswith("out.")][0]
        metadata = {
            "format": "pt",
            "producedBy": f"diffusers {diffusers.__version__}, torch {torch.__version__}, fp32 CPU",
            "weights": WEIGHTS,
            "inputs": inputs,
        }
        path = os.path.join(args.references, name + ".safetensors")
        save_file({k: v.contiguous() for k, v in tensors.items()}, path, metadata=metadata)
        peak = tensors[out_name].abs().max().item()
        print(f"diffusers {component}: {seconds:.1f} s (with paging the weights in); {out_name} max |x| {peak:.4g}; wrote {path}")


if __name__ == "__main__":
    main()
