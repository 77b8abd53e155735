// GroupNorm (+ fused SiLU) and LayerNorm on fp32 activations. Mean and variance never come from
// sums of squares (large means would cancel): LayerNorm (one block per row) takes two passes, mean
// then squared deviations; GroupNorm splits each group into chunks of 4096 values, reduces each
// chunk that way to (count, mean, M2) and merges the chunks pairwise, so a group spreads over many
// blocks (SDXL at 1024x1024 has only 64 groups of 164k values).
#pragma once

#include <cstdint>

#include <cuda_runtime.h>

namespace gpuq::cuda {

// x [B, C, HW]; groups of C/groups channels; gamma/beta [C].
void launch_group_norm(const float* x, float* y, int64_t batch, int64_t channels, int64_t hw, int groups,
                       const float* gamma, const float* beta, float eps, bool silu, cudaStream_t s);
// x [rows, c]; beta may be null.
void launch_layer_norm(const float* x, float* y, int64_t rows, int64_t c, const float* gamma, const float* beta,
                       float eps, cudaStream_t s);

}  // namespace gpuq::cuda
