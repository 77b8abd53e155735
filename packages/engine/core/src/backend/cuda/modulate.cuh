// WAN's per-sample broadcasts on [B, L, C] activations with a [B, C] vector (adaLN modulation and
// the gated residual) and the plain elementwise product; one thread per output element.
#pragma once

#include <cstdint>

#include <cuda_runtime.h>

namespace gpuq::cuda {

// y = x · (1 + scale[b]) + shift[b] for x [batch, len, c].
void launch_modulate(const float* x, const float* scale, const float* shift, float* y, int64_t batch, int64_t len,
                     int64_t c, cudaStream_t s);
// out = x + y · gate[b].
void launch_add_gated(const float* x, const float* y, const float* gate, float* out, int64_t batch, int64_t len,
                      int64_t c, cudaStream_t s);
// out = a · b.
void launch_mul(const float* a, const float* b, float* out, int64_t n, cudaStream_t s);

}  // namespace gpuq::cuda
