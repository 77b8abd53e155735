#include "backend/cuda/rope.cuh"

#include "backend/cuda/cuda_check.h"
#include "backend/cuda/launch.cuh"

namespace gpuq::cuda {

namespace {

// One thread per pair; pairs of one position are contiguous, so reads and writes coalesce.
__global__ void rope_kernel(const float* x, const float* cs, const float* sn, float* y, int64_t pairs, int64_t len,
                            int64_t heads, int64_t half) {
  GPUQ_GRID_STRIDE(p, pairs) {
    const int64_t i = p % half, l = (p / (half * heads)) % len;
    const double x1 = x[2 * p], x2 = x[2 * p + 1], c = cs[l * half + i], s = sn[l * half + i];
    y[2 * p] = static_cast<float>(x1 * c - x2 * s);
    y[2 * p + 1] = static_cast<float>(x1 * s + x2 * c);
  }
}

}  // namespace

void launch_rope(const float* x, const float* cos, const float* sin, float* y, int64_t batch, int64_t len,
                 int64_t heads, int64_t head_dim, cudaStream_t s) {
  const int64_t half = head_dim / 2, pairs = batch * len * heads * half;
  rope_kernel<<<grid_for(pairs), kThreads, 0, s>>>(x, cos, sin, y, pairs, len, heads, half);
  CUDA_CHECK_LAUNCH();
}

}  // namespace gpuq::cuda
