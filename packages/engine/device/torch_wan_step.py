#!/usr/bin/env python3
"""PyTorch eager baseline for the WAN step gpuq_cuda_bench --wan times: diffusers'
WanTransformer3DModel with Wan2.1-T2V-1.3B's config (the one core/tools/wan_bench.cpp builds),
random bf16 weights, one CFG step (two forwards, batch 1, 512 text tokens) at --frames x 480 x
832, then AutoencoderKLWan (Wan 2.1's VAE config, fp32) decoding that latent, and the peak
device memory. The diffusers source travels in the git-ignored device/.carry/diffusers.
Exit 77 when torch, a GPU or the diffusers source is missing.
"""

import argparse
import json
import sys

from torch_baseline import DEFAULT_DIFFUSERS, import_baseline

# Wan-AI/Wan2.1-T2V-1.3B-Diffusers transformer/config.json and vae/config.json (shapes only).
TRANSFORMER = {
    "patch_size": [1, 2, 2], "num_attention_heads": 12, "attention_head_dim": 128, "in_channels": 16,
    "out_channels": 16, "text_dim": 4096, "freq_dim": 256, "ffn_dim": 8960, "num_layers": 30,
    "cross_attn_norm": True, "qk_norm": "rms_norm_across_heads", "eps": 1e-6, "rope_max_seq_len": 1024,
}
VAE = {
    "base_dim": 96, "z_dim": 16, "dim_mult": [1, 2, 4, 4], "num_res_blocks": 2, "attn_scales": [],
    "temperal_downsample": [False, True, True], "dropout": 0.0,
}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", required=True)
    parser.add_argument("--frames", type=int, default=81)
    parser.add_argument("--height", type=int, default=480)
    parser.add_argument("--width", type=int, default=832)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--diffusers", default=DEFAULT_DIFFUSERS)
    args = parser.parse_args()
    found = import_baseline("torch WAN step", args.diffusers, ["AutoencoderKLWan", "WanTransformer3DModel"])
    if found is None:
        return 77
    torch, (AutoencoderKLWan, WanTransformer3DModel) = found

    dev = torch.device("cuda")
    torch.manual_seed(0)
    with torch.device(dev):
        model = WanTransformer3DModel.from_config(TRANSFORMER)
    model = model.to(torch.bfloat16).eval()
    lt, lh, lw = (args.frames - 1) // 4 + 1, args.height // 8, args.width // 8
    bf = torch.bfloat16
    latent = torch.randn(1, 16, lt, lh, lw, device=dev, dtype=bf)
    pos = torch.randn(1, 512, 4096, device=dev, dtype=bf)
    neg = torch.randn(1, 512, 4096, device=dev, dtype=bf)
    t = torch.tensor([900.0], device=dev)

    def cfg_step():
        a = model(latent, t, encoder_hidden_states=pos, return_dict=False)[0]
        b = model(latent, t, encoder_hidden_states=neg, return_dict=False)[0]
        return a, b

    times = []
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    with torch.inference_mode():
        cfg_step()
        for _ in range(args.runs):
            start.record()
            cfg_step()
            end.record()
            end.synchronize()
            times.append(start.elapsed_time(end) / 1e3)
        del model
        torch.cuda.empty_cache()
        with torch.device(dev):
            vae = AutoencoderKLWan.from_config(VAE).eval()
        start.record()
        video = vae.decode(latent.float(), return_dict=False)[0]
        end.record()
        end.synchronize()
        vae_s = start.elapsed_time(end) / 1e3
    times.sort()
    result = {
        "device": torch.cuda.get_device_name(0),
        "torch": torch.__version__,
        "frames": args.frames,
        "height": args.height,
        "width": args.width,
        "tokens": lt * (lh // 2) * (lw // 2),
        "cfg_step_best_s": times[0],
        "cfg_step_median_s": times[len(times) // 2],
        "vae_decode_s": vae_s,
        "video_shape": list(video.shape),
        "peak_device_bytes": torch.cuda.max_memory_allocated(),
    }
    print(f"torch WAN CFG step: best {times[0]:.2f} s; VAE decode {vae_s:.2f} s; "
          f"peak {result['peak_device_bytes'] / 2**30:.2f} GiB")
    with open(args.json, "w") as f:
        json.dump(result, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
