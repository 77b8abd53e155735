// Fused attention (flash-style): for each block of 64 queries of one head, keys and values are
// streamed through shared memory in tiles of 64 with an online softmax, so the Lq x Lk score
// matrix never reaches device memory (at 1024x1024 the unfused path moves ~5 GB per 4096-token
// attention). fp16 operands on the tensor cores, fp32 scores, softmax state and accumulator.
// Head sizes 64 and 128 (SDXL's and CLIP's are 64); the caller falls back to the unfused path
// for others (the VAE's single 512-wide head).
#pragma once

#include <cstdint>

#include <cuda_runtime.h>

namespace gpuq::cuda {

bool flash_attention_supports(int64_t head_dim);
// q [B, Lq, H*D], k and v [B, Lk, H*D], o like q; causal masks key j > query i.
void launch_flash_attention(const float* q, const float* k, const float* v, float* o, int64_t batch, int64_t lq,
                            int64_t lk, int heads, int64_t head_dim, float scale, bool causal, cudaStream_t s);

}  // namespace gpuq::cuda
