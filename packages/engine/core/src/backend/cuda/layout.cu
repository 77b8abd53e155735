#include "backend/cuda/layout.cuh"

#include "backend/cuda/cuda_check.h"
#include "backend/cuda/launch.cuh"

namespace gpuq::cuda {

namespace {

constexpr int kTile = 32;

// 32x32 tiles through shared memory so both the read and the write are coalesced; the +1 column
// keeps the transposed read free of bank conflicts.
__global__ void transpose_kernel(const float* x, float* y, int64_t rows, int64_t cols, const float* bias) {
  __shared__ float tile[kTile][kTile + 1];
  int64_t b = blockIdx.z;
  const float* xb = x + b * rows * cols;
  float* yb = y + b * rows * cols;
  int64_t r0 = static_cast<int64_t>(blockIdx.y) * kTile, c0 = static_cast<int64_t>(blockIdx.x) * kTile;
  for (int i = threadIdx.y; i < kTile; i += blockDim.y) {
    int64_t r = r0 + i, c = c0 + threadIdx.x;
    if (r < rows && c < cols) tile[i][threadIdx.x] = xb[r * cols + c];
  }
  __syncthreads();
  for (int i = threadIdx.y; i < kTile; i += blockDim.y) {
    int64_t c = c0 + i, r = r0 + threadIdx.x;
    if (r < rows && c < cols) yb[c * rows + r] = tile[threadIdx.x][i] + (bias ? bias[c] : 0.0f);
  }
}

__global__ void im2col_kernel(const float* x, float* col, int64_t c, int64_t h, int64_t w, int k, int stride,
                              int pad, int64_t ow, int64_t p0, int64_t np) {
  int64_t kk = c * k * k;
  GPUQ_GRID_STRIDE(i, np * kk) {
    int64_t p = p0 + i / kk, q = i % kk;
    int64_t ch = q / (k * k), ki = (q / k) % k, kj = q % k;
    int64_t y = (p / ow) * stride - pad + ki, xx = (p % ow) * stride - pad + kj;
    col[i] = (y >= 0 && y < h && xx >= 0 && xx < w) ? x[(ch * h + y) * w + xx] : 0.0f;
  }
}

__global__ void permute_kernel(const float* x, float* y, PermutePlan p) {
  GPUQ_GRID_STRIDE(i, p.numel) y[i] = x[permute_source(p, i)];
}

__global__ void row_copy_kernel(const float* x, float* y, RowCopy c) {
  GPUQ_GRID_STRIDE(i, c.rows * c.width) y[row_copy_target(c, i)] = x[row_copy_source(c, i)];
}

}  // namespace

void launch_transpose(const float* x, float* y, int64_t batch, int64_t rows, int64_t cols, const float* bias,
                      cudaStream_t s) {
  dim3 grid(static_cast<unsigned>((cols + kTile - 1) / kTile), static_cast<unsigned>((rows + kTile - 1) / kTile),
            static_cast<unsigned>(batch));
  transpose_kernel<<<grid, dim3(kTile, 8), 0, s>>>(x, y, rows, cols, bias);
  CUDA_CHECK_LAUNCH();
}

void launch_im2col(const float* x, float* col, int64_t c, int64_t h, int64_t w, int k, int stride, int pad,
                   int64_t ow, int64_t p0, int64_t np, cudaStream_t s) {
  im2col_kernel<<<grid_for(np * c * k * k), kThreads, 0, s>>>(x, col, c, h, w, k, stride, pad, ow, p0, np);
  CUDA_CHECK_LAUNCH();
}

void launch_permute(const float* x, float* y, const PermutePlan& p, cudaStream_t s) {
  if (p.numel == 0) return;
  permute_kernel<<<grid_for(p.numel), kThreads, 0, s>>>(x, y, p);
  CUDA_CHECK_LAUNCH();
}

void launch_row_copy(const float* x, float* y, const RowCopy& c, cudaStream_t s) {
  if (c.rows * c.width == 0) return;
  row_copy_kernel<<<grid_for(c.rows * c.width), kThreads, 0, s>>>(x, y, c);
  CUDA_CHECK_LAUNCH();
}

}  // namespace gpuq::cuda
