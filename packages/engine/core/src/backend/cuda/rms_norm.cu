#include "backend/cuda/rms_norm.cuh"

#include "backend/cuda/cuda_check.h"
#include "backend/cuda/launch.cuh"
#include "backend/cuda/reduce.cuh"

namespace gpuq::cuda {

namespace {

constexpr int kRowThreads = 256;

__global__ void rms_norm_kernel(const float* x, float* y, int64_t c, const float* gamma, float eps) {
  __shared__ float scratch[kRowThreads / 32];
  const int64_t base = static_cast<int64_t>(blockIdx.x) * c;
  float q = 0;
  for (int64_t i = threadIdx.x; i < c; i += blockDim.x) q += x[base + i] * x[base + i];
  const float inv = rsqrtf(block_reduce<false>(q, scratch) / static_cast<float>(c) + eps);
  for (int64_t i = threadIdx.x; i < c; i += blockDim.x)
    y[base + i] = x[base + i] * inv * (gamma ? gamma[i] : 1.0f);
}

__global__ void rms_norm_channels_kernel(const float* x, float* y, int64_t batch, int64_t c, int64_t inner,
                                         const float* gamma, const float* bias, bool silu) {
  const float scale = sqrtf(static_cast<float>(c));
  GPUQ_GRID_STRIDE(i, batch * inner) {
    const int64_t base = (i / inner) * c * inner + i % inner;
    float q = 0;
    for (int64_t ch = 0; ch < c; ++ch) q += x[base + ch * inner] * x[base + ch * inner];
    const float f = scale / fmaxf(sqrtf(q), 1e-12f);
    for (int64_t ch = 0; ch < c; ++ch) {
      const float v = x[base + ch * inner] * f * gamma[ch] + (bias ? bias[ch] : 0.0f);
      y[base + ch * inner] = silu ? v / (1.0f + expf(-v)) : v;
    }
  }
}

}  // namespace

void launch_rms_norm(const float* x, float* y, int64_t rows, int64_t c, const float* gamma, float eps, cudaStream_t s) {
  if (rows == 0) return;
  rms_norm_kernel<<<static_cast<unsigned>(rows), kRowThreads, 0, s>>>(x, y, c, gamma, eps);
  CUDA_CHECK_LAUNCH();
}

void launch_rms_norm_channels(const float* x, float* y, int64_t batch, int64_t c, int64_t inner, const float* gamma,
                              const float* bias, bool silu, cudaStream_t s) {
  rms_norm_channels_kernel<<<grid_for(batch * inner), kThreads, 0, s>>>(x, y, batch, c, inner, gamma, bias, silu);
  CUDA_CHECK_LAUNCH();
}

}  // namespace gpuq::cuda
