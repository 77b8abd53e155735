#include "backend/cuda/norm.cuh"

#include "backend/cuda/cuda_check.h"
#include "backend/cuda/reduce.cuh"

namespace gpuq::cuda {

namespace {

constexpr int kNormThreads = 512;

// Mean and 1/std of n contiguous values starting at x.
__device__ void stats(const float* x, int64_t n, float eps, float* scratch, float& mean, float& rstd) {
  float s = 0;
  for (int64_t i = threadIdx.x; i < n; i += blockDim.x) s += x[i];
  mean = block_reduce<false>(s, scratch) / static_cast<float>(n);
  float q = 0;
  for (int64_t i = threadIdx.x; i < n; i += blockDim.x) {
    float d = x[i] - mean;
    q += d * d;
  }
  rstd = rsqrtf(block_reduce<false>(q, scratch) / static_cast<float>(n) + eps);
}

// GroupNorm in two launches so that SDXL's 64 groups (batch 2 x 32) spread over every SM: each
// (group, chunk) block first reduces its chunk to (count, mean, M2), then every block merges its
// group's partials (Chan et al.'s pairwise update, as accurate as two passes) and normalises its
// own chunk.
constexpr int64_t kGroupChunk = 4096;

struct Partial {
  float n, mean, m2;
};

__global__ void group_partials_kernel(const float* x, int64_t group_n, int chunks, Partial* out) {
  __shared__ float scratch[kNormThreads / 32];
  const int64_t base = static_cast<int64_t>(blockIdx.x) * group_n + static_cast<int64_t>(blockIdx.y) * kGroupChunk;
  const int64_t n = min(kGroupChunk, group_n - static_cast<int64_t>(blockIdx.y) * kGroupChunk);
  float s = 0;
  for (int64_t i = threadIdx.x; i < n; i += blockDim.x) s += x[base + i];
  const float mean = block_reduce<false>(s, scratch) / static_cast<float>(n);
  float q = 0;
  for (int64_t i = threadIdx.x; i < n; i += blockDim.x) {
    const float d = x[base + i] - mean;
    q += d * d;
  }
  const float m2 = block_reduce<false>(q, scratch);
  if (threadIdx.x == 0) out[blockIdx.x * chunks + blockIdx.y] = {static_cast<float>(n), mean, m2};
}

__global__ void group_apply_kernel(const float* x, float* y, int64_t channels, int64_t hw, int groups, int chunks,
                                   const Partial* parts, const float* gamma, const float* beta, float eps, bool silu) {
  // Every thread merges the group's few partials itself: no extra barrier, and chunks are few.
  Partial t = parts[blockIdx.x * chunks];
  for (int c = 1; c < chunks; ++c) {
    const Partial p = parts[blockIdx.x * chunks + c];
    const float n = t.n + p.n, d = p.mean - t.mean;
    t.mean += d * p.n / n;
    t.m2 += p.m2 + d * d * t.n * p.n / n;
    t.n = n;
  }
  const float rstd = rsqrtf(t.m2 / t.n + eps);
  const int64_t cpg = channels / groups, group_n = cpg * hw;
  const int64_t start = static_cast<int64_t>(blockIdx.y) * kGroupChunk;
  const int64_t n = min(kGroupChunk, group_n - start);
  const int64_t base = static_cast<int64_t>(blockIdx.x) * group_n + start;
  const int64_t c0 = static_cast<int64_t>(blockIdx.x % groups) * cpg;
  for (int64_t i = threadIdx.x; i < n; i += blockDim.x) {
    const int64_t c = c0 + (start + i) / hw;
    const float v = (x[base + i] - t.mean) * rstd * gamma[c] + beta[c];
    y[base + i] = silu ? v / (1.0f + expf(-v)) : v;
  }
}

__global__ void layer_norm_kernel(const float* x, float* y, int64_t c, const float* gamma, const float* beta,
                                  float eps) {
  __shared__ float scratch[kNormThreads / 32];
  int64_t base = static_cast<int64_t>(blockIdx.x) * c;
  float mean, rstd;
  stats(x + base, c, eps, scratch, mean, rstd);
  for (int64_t i = threadIdx.x; i < c; i += blockDim.x) {
    float v = (x[base + i] - mean) * rstd * gamma[i];
    y[base + i] = beta ? v + beta[i] : v;
  }
}

}  // namespace

void launch_group_norm(const float* x, float* y, int64_t batch, int64_t channels, int64_t hw, int groups,
                       const float* gamma, const float* beta, float eps, bool silu, cudaStream_t s) {
  const int64_t group_n = channels / groups * hw;
  const int chunks = static_cast<int>((group_n + kGroupChunk - 1) / kGroupChunk);
  Partial* parts = nullptr;
  // A few bytes per (group, chunk): stream-ordered allocation keeps it off the device-wide sync of
  // cudaMalloc.
  CUDA_CHECK(cudaMallocAsync(reinterpret_cast<void**>(&parts), sizeof(Partial) * batch * groups * chunks, s));
  dim3 grid(static_cast<unsigned>(batch * groups), static_cast<unsigned>(chunks));
  group_partials_kernel<<<grid, kNormThreads, 0, s>>>(x, group_n, chunks, parts);
  CUDA_CHECK_LAUNCH();
  group_apply_kernel<<<grid, kNormThreads, 0, s>>>(x, y, channels, hw, groups, chunks, parts, gamma, beta, eps, silu);
  CUDA_CHECK_LAUNCH();
  CUDA_CHECK(cudaFreeAsync(parts, s));
}

void launch_layer_norm(const float* x, float* y, int64_t rows, int64_t c, const float* gamma, const float* beta,
                       float eps, cudaStream_t s) {
  // Rows are short (<= 2048 for SDXL): a 256-thread block per row keeps every SM busy.
  layer_norm_kernel<<<static_cast<unsigned>(rows), 256, 0, s>>>(x, y, c, gamma, beta, eps);
  CUDA_CHECK_LAUNCH();
}

}  // namespace gpuq::cuda
