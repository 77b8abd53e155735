#include "backend/cuda/softmax.cuh"

#include "backend/cuda/attention_bias_plan.h"
#include "backend/cuda/cuda_check.h"
#include "backend/cuda/reduce.cuh"

namespace gpuq::cuda {

namespace {

// With `bias` set, row r first gets its bias row added (no causal mask: the bias carries any mask).
__global__ void softmax_kernel(float* s, int64_t lq, int64_t q0, int64_t lk, bool causal, const float* bias,
                               int64_t bias_lq) {
  __shared__ float scratch[8];
  float* row = s + static_cast<int64_t>(blockIdx.x) * lk;
  int64_t valid = causal ? min(lk, q0 + static_cast<int64_t>(blockIdx.x % lq) + 1) : lk;
  if (bias) {
    const float* b = bias + bias_row_offset(blockIdx.x, lq, bias_lq, lk);
    for (int64_t j = threadIdx.x; j < lk; j += blockDim.x) row[j] += b[j];
  }
  float m = -INFINITY;
  for (int64_t j = threadIdx.x; j < valid; j += blockDim.x) m = fmaxf(m, row[j]);
  m = block_reduce<true>(m, scratch);
  float sum = 0;
  for (int64_t j = threadIdx.x; j < valid; j += blockDim.x) {
    float e = expf(row[j] - m);
    row[j] = e;
    sum += e;
  }
  float inv = 1.0f / block_reduce<false>(sum, scratch);
  for (int64_t j = threadIdx.x; j < lk; j += blockDim.x) row[j] = j < valid ? row[j] * inv : 0.0f;
}

}  // namespace

void launch_softmax_rows(float* s, int64_t rows, int64_t lq, int64_t q0, int64_t lk, bool causal, cudaStream_t st) {
  softmax_kernel<<<static_cast<unsigned>(rows), 256, 0, st>>>(s, lq, q0, lk, causal, nullptr, 0);
  CUDA_CHECK_LAUNCH();
}

void launch_softmax_rows_biased(float* s, int64_t rows, int64_t nr, const float* bias, int64_t bias_lq, int64_t lk,
                                cudaStream_t st) {
  softmax_kernel<<<static_cast<unsigned>(rows), 256, 0, st>>>(s, nr, 0, lk, false, bias, bias_lq);
  CUDA_CHECK_LAUNCH();
}

}  // namespace gpuq::cuda
