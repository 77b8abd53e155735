// GroupNorm (+ fused SiLU) and LayerNorm on fp32 activations. One block per group / row; mean and
// variance in two passes (mean first, then squared deviations) as the CPU backend does, so large
// means do not cancel; statistics are accumulated in fp32 per thread and reduced across the block.
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
