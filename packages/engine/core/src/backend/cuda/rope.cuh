// Rotary embedding on packed heads x [B, L, H*D]: pair (2i, 2i+1) of every head at position l
// rotated by the angle with cos[l, i] / sin[l, i] ([L, D/2]). The rotation runs in float64, as
// diffusers' WAN attention does (the CPU backend too), so long sequences keep their phase.
#pragma once

#include <cstdint>

#include <cuda_runtime.h>

namespace gpuq::cuda {

void launch_rope(const float* x, const float* cos, const float* sin, float* y, int64_t batch, int64_t len,
                 int64_t heads, int64_t head_dim, cudaStream_t s);

}  // namespace gpuq::cuda
