#!/usr/bin/env python3
"""The diffusers side of the full-size WAN 2.1 T2V 1.3B check: one WanTransformer3DModel forward
(diffusers v0.33.1, fp32, CPU) on the random weights `gpuq_bench --full-size-wan write DIR` wrote
into DIR/transformer (the published shard layout), with fixed inputs, saved into REFERENCES as
transformer_step.safetensors (in.* inputs and out.sample; about 0.6 MB).

  PYTHONPATH=<diffusers src and shims> python3 scripts/full_size_wan_reference.py DIR REFERENCES

The module is built with its parameters on the meta device, then each parameter becomes a view
of its memory-mapped shard, so the 5.7 GB of weights are read from the page cache rather than
copied. A module named by --boot is imported first (the place for compatibility shims).
"""

import json
import os
import time

from full_size_reference import attach_mapped, mapped_tensors, parse_args_and_boot
from meta_modules import build_on_meta

# 5 video frames at 128x128 pixels: latent [1, 16, 2, 16, 16] (128 tokens); 32 text tokens.
LATENT_SHAPE = (1, 16, 2, 16, 16)
TEXT_TOKENS = 32
INPUT_SEED = 0
TIMESTEP = 500.0
WEIGHTS = "gpuq_bench --full-size-wan write (random_weights, seed 3) from the published Wan2.1-T2V-1.3B-Diffusers transformer config and shard index"
INDEX = "diffusion_pytorch_model.safetensors.index.json"


def load_sharded(torch, numpy, folder):
    """WanTransformer3DModel of `folder` with its parameters viewing the shards the index names."""
    from diffusers import WanTransformer3DModel

    config = WanTransformer3DModel.load_config(folder)
    model = build_on_meta(torch, lambda: WanTransformer3DModel.from_config(config))
    with open(os.path.join(folder, INDEX)) as f:
        shards = sorted(set(json.load(f)["weight_map"].values()))
    weights = {}
    for shard in shards:
        weights.update(mapped_tensors(torch, numpy, os.path.join(folder, shard)))
    return attach_mapped(torch, model, weights, folder), config


def main():
    args = parse_args_and_boot()
    import diffusers
    import numpy
    import torch
    from safetensors.torch import save_file

    start = time.time()
    model, config = load_sharded(torch, numpy, os.path.join(args.dir, "transformer"))
    generator = torch.Generator().manual_seed(INPUT_SEED)
    inputs = {
        "in.hidden_states": torch.randn(*LATENT_SHAPE, generator=generator),
        "in.encoder_hidden_states": torch.randn(1, TEXT_TOKENS, config["text_dim"], generator=generator),
        "in.timestep": torch.tensor([TIMESTEP]),
    }
    with torch.no_grad():
        out = model(
            inputs["in.hidden_states"],
            inputs["in.timestep"],
            inputs["in.encoder_hidden_states"],
            return_dict=False,
        )[0]
    seconds = time.time() - start
    metadata = {
        "format": "pt",
        "producedBy": f"diffusers {diffusers.__version__}, torch {torch.__version__}, fp32 CPU",
        "weights": WEIGHTS,
        "inputs": f"torch.Generator().manual_seed({INPUT_SEED}) randn: hidden_states, encoder_hidden_states; timestep {TIMESTEP}",
    }
    path = os.path.join(args.references, "transformer_step.safetensors")
    os.makedirs(args.references, exist_ok=True)
    save_file({**inputs, "out.sample": out.contiguous()}, path, metadata=metadata)
    print(f"diffusers WAN transformer: {seconds:.1f} s (with paging the weights in); out.sample {tuple(out.shape)} max |x| {out.abs().max().item():.4g}; wrote {path}")


if __name__ == "__main__":
    main()
