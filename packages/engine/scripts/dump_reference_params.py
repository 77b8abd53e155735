#!/usr/bin/env python3
"""Writes the reference parameter lists in test/real-configs/: for each published component, the
tensor names and shapes that diffusers v0.33.1 / transformers v4.57.6 themselves give for the
real config.json, as `reference-params.json.gz` next to that config.

Modules are built with every parameter and buffer moved to torch's meta device as it is
registered, so no weights are allocated (the 14B transformers would need 57 GB in fp32).
The list is the module's state_dict with tied parameters listed once (the first name), the way
diffusers and transformers save a checkpoint.

Needs the diffusers / transformers / huggingface_hub sources on PYTHONPATH (never committed)
and torch; run with --library diffusers or --library transformers (one library per process,
as the two want different huggingface_hub versions):
  PYTHONPATH=<diffusers src and shims> python3 scripts/dump_reference_params.py --library diffusers
A module named by --boot (default none) is imported first: the place for compatibility shims.
"""

import argparse
import gzip
import importlib
import json
import os

from meta_modules import build_on_meta

REAL_CONFIGS = os.path.join(os.path.dirname(__file__), "..", "test", "real-configs")

# (folder under real-configs, component, library, class)
COMPONENTS = [
    ("stable-diffusion-xl-base-1.0", "unet", "diffusers", "UNet2DConditionModel"),
    ("stable-diffusion-xl-base-1.0", "vae", "diffusers", "AutoencoderKL"),
    ("stable-diffusion-xl-base-1.0", "text_encoder", "transformers", "CLIPTextModel"),
    ("stable-diffusion-xl-base-1.0", "text_encoder_2", "transformers", "CLIPTextModelWithProjection"),
    ("Wan2.1-T2V-1.3B-Diffusers", "transformer", "diffusers", "WanTransformer3DModel"),
    ("Wan2.1-T2V-1.3B-Diffusers", "vae", "diffusers", "AutoencoderKLWan"),
    ("Wan2.1-T2V-1.3B-Diffusers", "text_encoder", "transformers", "UMT5EncoderModel"),
    ("Wan2.1-T2V-14B-Diffusers", "transformer", "diffusers", "WanTransformer3DModel"),
    ("Wan2.1-I2V-14B-480P-Diffusers", "transformer", "diffusers", "WanTransformer3DModel"),
    ("Wan2.1-I2V-14B-480P-Diffusers", "image_encoder", "transformers", "CLIPVisionModel"),
]


def saved_tensors(module):
    seen = set()
    out = []
    for name, tensor in module.state_dict(keep_vars=True).items():
        if id(tensor) in seen:
            continue
        seen.add(id(tensor))
        out.append([name, list(tensor.shape)])
    return out


def build(torch, library, class_name, folder):
    lib = importlib.import_module(library)
    cls = getattr(lib, class_name)
    if library == "diffusers":
        config = cls.load_config(folder)
        return build_on_meta(torch, lambda: cls.from_config(config), buffers=True)
    config = cls.config_class.from_json_file(os.path.join(folder, "config.json"))
    return build_on_meta(torch, lambda: cls(config), buffers=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--library", choices=["diffusers", "transformers"], required=True)
    parser.add_argument("--boot", default=None)
    args = parser.parse_args()
    if args.boot:
        importlib.import_module(args.boot)
    import torch

    lib = importlib.import_module(args.library)
    for model, component, library, class_name in COMPONENTS:
        if library != args.library:
            continue
        folder = os.path.join(REAL_CONFIGS, model, component)
        module = build(torch, library, class_name, folder)
        params = saved_tensors(module)
        total = sum(_numel(shape) for _, shape in params)
        record = {
            "producedBy": f"{library} {lib.__version__} {class_name}",
            "config": f"{component}/config.json",
            "tensors": len(params),
            "parameters": total,
            "params": params,
        }
        out = os.path.join(folder, "reference-params.json.gz")
        with gzip.GzipFile(out, "wb", mtime=0) as f:
            f.write(json.dumps(record, separators=(",", ":")).encode())
        print(f"{model}/{component}: {class_name} {len(params)} tensors, {total:,} parameters")


def _numel(shape):
    n = 1
    for d in shape:
        n *= d
    return n


if __name__ == "__main__":
    main()
