// RMS norms on fp32 activations with fp32 sums: over the last dim (T5 LayerNorm, WAN's q/k norm;
// one block per row) and over the channels of [B, C, ...] (WAN VAE's RMS_norm, F.normalize times
// sqrt(C), optional SiLU; one thread per pixel walking the channels, so neighbouring threads read
// neighbouring pixels).
#pragma once

#include <cstdint>

#include <cuda_runtime.h>

namespace gpuq::cuda {

// x [rows, c] -> x / sqrt(mean(x²) + eps) · gamma; gamma may be null.
void launch_rms_norm(const float* x, float* y, int64_t rows, int64_t c, const float* gamma, float eps, cudaStream_t s);
// x [batch, c, inner] -> x / max(‖x‖₂ over c, 1e-12) · sqrt(c) · gamma (+ bias), then SiLU if asked.
void launch_rms_norm_channels(const float* x, float* y, int64_t batch, int64_t c, int64_t inner, const float* gamma,
                              const float* bias, bool silu, cudaStream_t s);

}  // namespace gpuq::cuda
