#!/usr/bin/env python3
"""PyTorch eager baseline for the same SDXL UNet step gpuq_cuda_bench times: diffusers'
UNet2DConditionModel built from the same config (written by `gpuq_cuda_bench
--write-unet-config`), random fp16 weights, CFG batch 2, at --latent (128 = 1024x1024),
default attention processor (scaled_dot_product_attention). The diffusers source travels in
the git-ignored device/.carry/diffusers (never committed; scripts/prepare-device-carry.sh).
Exit 77 when torch, a GPU or the diffusers source is missing.
"""

import argparse
import json
import sys

from torch_baseline import DEFAULT_DIFFUSERS, import_baseline


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    parser.add_argument("--json", required=True)
    parser.add_argument("--latent", type=int, default=128)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--diffusers", default=DEFAULT_DIFFUSERS)
    args = parser.parse_args()
    found = import_baseline("torch UNet step", args.diffusers, ["UNet2DConditionModel"])
    if found is None:
        return 77
    torch, (UNet2DConditionModel,) = found

    with open(args.config) as f:
        config = {k: v for k, v in json.load(f).items() if not k.startswith("_")}
    dev = torch.device("cuda")
    torch.manual_seed(0)
    with torch.device(dev):  # initialise on the GPU: 2.6 B parameters on the CPU take minutes
        unet = UNet2DConditionModel.from_config(config)
    unet = unet.to(torch.float16).eval()
    params = sum(p.numel() for p in unet.parameters())
    b, lat, px = 2, args.latent, float(args.latent * 8)
    h = torch.float16
    sample = torch.randn(b, config["in_channels"], lat, lat, device=dev, dtype=h)
    ctx = torch.randn(b, 77, config["cross_attention_dim"], device=dev, dtype=h)
    pooled = config["projection_class_embeddings_input_dim"] - 6 * config["addition_time_embed_dim"]
    added = {
        "text_embeds": torch.randn(b, pooled, device=dev, dtype=h),
        "time_ids": torch.tensor([[px, px, 0, 0, px, px]] * b, device=dev, dtype=h),
    }
    t = torch.tensor([637.0] * b, device=dev)

    def step():
        return unet(sample, t, encoder_hidden_states=ctx, added_cond_kwargs=added).sample

    times = []
    with torch.inference_mode():
        for _ in range(3):
            out = step()
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        for _ in range(args.runs):
            start.record()
            out = step()
            end.record()
            end.synchronize()
            times.append(start.elapsed_time(end) / 1e3)
    times.sort()
    median = times[len(times) // 2]
    result = {
        "device": torch.cuda.get_device_name(0),
        "torch": torch.__version__,
        "params": params,
        "latent": lat,
        "batch": b,
        "best_seconds": times[0],
        "median_seconds": median,
        "it_per_s": 1.0 / median,
        "finite": bool(torch.isfinite(out).all()),
        "peak_mem_gib": torch.cuda.max_memory_allocated() / 2**30,
    }
    with open(args.json, "w") as f:
        json.dump(result, f, indent=1)
    print(
        f"PyTorch eager SDXL UNet step, latent {lat}, batch {b}: best {times[0]:.4f} s, "
        f"median {median:.4f} s ({1 / median:.2f} it/s), {params / 1e6:.0f}M params"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
