#include "backend/cuda/modulate.cuh"

#include "backend/cuda/cuda_check.h"
#include "backend/cuda/launch.cuh"

namespace gpuq::cuda {

namespace {

// Index of the [B, C] vector entry for element i of [B, L, C].
__device__ __forceinline__ int64_t vec_index(int64_t i, int64_t len, int64_t c) { return (i / (len * c)) * c + i % c; }

__global__ void modulate_kernel(const float* x, const float* scale, const float* shift, float* y, int64_t n,
                                int64_t len, int64_t c) {
  GPUQ_GRID_STRIDE(i, n) {
    const int64_t v = vec_index(i, len, c);
    y[i] = x[i] * (1.0f + scale[v]) + shift[v];
  }
}

__global__ void add_gated_kernel(const float* x, const float* y, const float* gate, float* out, int64_t n,
                                 int64_t len, int64_t c) {
  GPUQ_GRID_STRIDE(i, n) out[i] = x[i] + y[i] * gate[vec_index(i, len, c)];
}

__global__ void mul_kernel(const float* a, const float* b, float* out, int64_t n) {
  GPUQ_GRID_STRIDE(i, n) out[i] = a[i] * b[i];
}

}  // namespace

void launch_modulate(const float* x, const float* scale, const float* shift, float* y, int64_t batch, int64_t len,
                     int64_t c, cudaStream_t s) {
  const int64_t n = batch * len * c;
  modulate_kernel<<<grid_for(n), kThreads, 0, s>>>(x, scale, shift, y, n, len, c);
  CUDA_CHECK_LAUNCH();
}

void launch_add_gated(const float* x, const float* y, const float* gate, float* out, int64_t batch, int64_t len,
                      int64_t c, cudaStream_t s) {
  const int64_t n = batch * len * c;
  add_gated_kernel<<<grid_for(n), kThreads, 0, s>>>(x, y, gate, out, n, len, c);
  CUDA_CHECK_LAUNCH();
}

void launch_mul(const float* a, const float* b, float* out, int64_t n, cudaStream_t s) {
  mul_kernel<<<grid_for(n), kThreads, 0, s>>>(a, b, out, n);
  CUDA_CHECK_LAUNCH();
}

}  // namespace gpuq::cuda
