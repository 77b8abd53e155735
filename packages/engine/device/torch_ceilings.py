#!/usr/bin/env python3
"""PyTorch eager on the same GPU, same run: the ceilings our kernels are judged against.

cuBLAS matrix products at sizes that fill the chip and at SDXL's shapes, and attention at SDXL's
1024x1024 shapes (scaled_dot_product_attention, which picks a flash kernel, and the unfused
matmul-softmax-matmul that our first CUDA attention mirrors). Writes JSON to --json.
Without torch or a GPU it prints why and exits 77 (the device script records it as skipped).
"""

import argparse
import json
import sys


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", required=True)
    args = parser.parse_args()
    try:
        import torch
        import torch.nn.functional as F
    except ImportError as err:
        print(f"SKIPPED torch ceilings: {err}")
        return 77
    if not torch.cuda.is_available():
        print("SKIPPED torch ceilings: no CUDA device")
        return 77

    def bench(fn, reps=20):
        for _ in range(3):
            fn()
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        times = []
        for _ in range(reps):
            start.record()
            fn()
            end.record()
            end.synchronize()
            times.append(start.elapsed_time(end) / 1e3)
        times.sort()
        return times[len(times) // 2]

    dev = torch.device("cuda")
    out = {"device": torch.cuda.get_device_name(0), "torch": torch.__version__, "gemm": {}, "attention": {}}
    # (M, N, K): a chip-filling cube, then SDXL 1024x1024 CFG-batch linear layers (tokens x features).
    for m, n, k in [(8192, 8192, 8192), (8192, 640, 640), (2048, 5120, 1280), (8192, 2560, 640)]:
        for dt in (torch.float16, torch.bfloat16):
            a = torch.randn(m, k, device=dev, dtype=dt)
            b = torch.randn(n, k, device=dev, dtype=dt)
            t = bench(lambda: a @ b.t())
            out["gemm"][f"{m}x{n}x{k} {str(dt)[6:]}"] = 2 * m * n * k / t / 1e12
    # SDXL at 1024x1024, batch 2: 4096 tokens x 10 heads and 1024 tokens x 20 heads, head dim 64.
    for lq, heads in [(4096, 10), (1024, 20)]:
        q, k, v = (torch.randn(2, heads, lq, 64, device=dev, dtype=torch.float16) for _ in range(3))
        flops = 4 * 2 * heads * lq * lq * 64
        t_sdpa = bench(lambda: F.scaled_dot_product_attention(q, k, v))
        t_unfused = bench(lambda: torch.softmax((q @ k.transpose(-1, -2)) * 0.125, dim=-1) @ v)
        out["attention"][f"L{lq} H{heads}"] = {
            "sdpa_tflops": flops / t_sdpa / 1e12,
            "unfused_tflops": flops / t_unfused / 1e12,
            "sdpa_ms": t_sdpa * 1e3,
            "unfused_ms": t_unfused * 1e3,
        }
    x = torch.empty(256 << 20, device=dev, dtype=torch.float32)
    y = torch.empty_like(x)
    out["copy_gbs"] = 2 * x.numel() * 4 / bench(lambda: y.copy_(x)) / 1e9
    with open(args.json, "w") as f:
        json.dump(out, f, indent=1)
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
