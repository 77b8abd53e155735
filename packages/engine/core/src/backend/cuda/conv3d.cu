#include "backend/cuda/conv3d.cuh"

#include "backend/cuda/cuda_check.h"
#include "backend/cuda/launch.cuh"

namespace gpuq::cuda {

namespace {

// One thread per column-buffer element; consecutive threads write consecutive taps of one pixel,
// so the writes coalesce and the reads of a kernel row (kw taps) hit one cache line.
__global__ void im2col3d_kernel(const float* x, float* col, Conv3dPlan p, int64_t p0, int64_t np) {
  const int64_t cols = p.columns();
  GPUQ_GRID_STRIDE(i, np * cols) {
    const int64_t src = conv3d_source(p, p0 + i / cols, i % cols);
    col[i] = src < 0 ? 0.0f : x[src];
  }
}

}  // namespace

void launch_im2col3d(const float* x, float* col, const Conv3dPlan& p, int64_t p0, int64_t np, cudaStream_t s) {
  im2col3d_kernel<<<grid_for(np * p.columns()), kThreads, 0, s>>>(x, col, p, p0, np);
  CUDA_CHECK_LAUNCH();
}

}  // namespace gpuq::cuda
