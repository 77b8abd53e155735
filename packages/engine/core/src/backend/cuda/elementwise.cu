#include "backend/cuda/elementwise.cuh"

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <type_traits>

#include "backend/cuda/cuda_check.h"
#include "backend/cuda/launch.cuh"

namespace gpuq::cuda {

namespace {

// Accurate expf/erff/tanhf (not the fast intrinsics): the fixtures compare against PyTorch fp32.
__device__ __forceinline__ float apply(float x, int act) {
  switch (act) {
    case 0: return x / (1.0f + expf(-x));
    case 1: return 0.5f * x * (1.0f + erff(x * 0.70710678118654752f));
    case 2: return 0.5f * x * (1.0f + tanhf(0.79788456080286536f * (x + 0.044715f * x * x * x)));
    default: return x / (1.0f + expf(-1.702f * x));
  }
}

__global__ void activation_kernel(const float* x, float* y, int64_t n, int act) {
  GPUQ_GRID_STRIDE(i, n) y[i] = apply(x[i], act);
}

__global__ void geglu_kernel(const float* x, float* y, int64_t rows, int64_t n) {
  GPUQ_GRID_STRIDE(i, rows * n) {
    int64_t r = i / n, c = i % n;
    const float* row = x + r * 2 * n;
    y[i] = row[c] * apply(row[n + c], 1);
  }
}

__global__ void axpby_kernel(float alpha, const float* a, float beta, const float* b, float* out, int64_t n) {
  GPUQ_GRID_STRIDE(i, n) out[i] = alpha * a[i] + beta * b[i];
}

__global__ void channel_bias_kernel(const float* x, const float* v, float* y, int64_t bc, int64_t hw) {
  GPUQ_GRID_STRIDE(i, bc * hw) y[i] = x[i] + v[i / hw];
}

__global__ void upsample_kernel(const float* x, float* y, int64_t bc, int64_t h, int64_t w) {
  int64_t ow = 2 * w, oh = 2 * h;
  GPUQ_GRID_STRIDE(i, bc * oh * ow) {
    int64_t j = i % ow, r = (i / ow) % oh, p = i / (ow * oh);
    y[i] = x[(p * h + r / 2) * w + j / 2];
  }
}

__global__ void concat_kernel(const float* a, const float* b, float* y, int64_t outer, int64_t na, int64_t nb) {
  int64_t row = na + nb;
  GPUQ_GRID_STRIDE(i, outer * row) {
    int64_t o = i / row, c = i % row;
    y[i] = c < na ? a[o * na + c] : b[o * nb + (c - na)];
  }
}

template <typename T>
__device__ __forceinline__ float load_f(const T* p, int64_t i);
template <>
__device__ __forceinline__ float load_f<float>(const float* p, int64_t i) { return p[i]; }
template <>
__device__ __forceinline__ float load_f<__half>(const __half* p, int64_t i) { return __half2float(p[i]); }
template <>
__device__ __forceinline__ float load_f<__nv_bfloat16>(const __nv_bfloat16* p, int64_t i) {
  return __bfloat162float(p[i]);
}

template <typename T>
__global__ void embedding_kernel(const T* table, const int64_t* ids, float* y, int64_t rows, int64_t c) {
  GPUQ_GRID_STRIDE(i, rows * c) y[i] = load_f(table, ids[i / c] * c + i % c);
}

template <typename T>
__global__ void convert_rows_kernel(const float* src, int64_t ld, T* dst, int64_t rows, int64_t cols) {
  GPUQ_GRID_STRIDE(i, rows * cols) {
    float v = src[(i / cols) * ld + i % cols];
    if constexpr (std::is_same_v<T, __half>) dst[i] = __float2half_rn(v);
    else dst[i] = __float2bfloat16_rn(v);
  }
}

__global__ void fill_rows_kernel(float* c, int64_t ldc, const float* bias, int64_t rows, int64_t cols) {
  GPUQ_GRID_STRIDE(i, rows * cols) c[(i / cols) * ldc + i % cols] = bias[i % cols];
}

}  // namespace

void launch_convert_rows(const float* src, int64_t ld, void* dst, int64_t rows, int64_t cols, int dtype, cudaStream_t s) {
  if (dtype == 1)
    convert_rows_kernel<<<grid_for(rows * cols), kThreads, 0, s>>>(src, ld, static_cast<__half*>(dst), rows, cols);
  else
    convert_rows_kernel<<<grid_for(rows * cols), kThreads, 0, s>>>(src, ld, static_cast<__nv_bfloat16*>(dst), rows,
                                                                   cols);
  CUDA_CHECK_LAUNCH();
}

void launch_fill_rows(float* c, int64_t ldc, const float* bias, int64_t rows, int64_t cols, cudaStream_t s) {
  fill_rows_kernel<<<grid_for(rows * cols), kThreads, 0, s>>>(c, ldc, bias, rows, cols);
  CUDA_CHECK_LAUNCH();
}

void launch_activation(const float* x, float* y, int64_t n, int act, cudaStream_t s) {
  activation_kernel<<<grid_for(n), kThreads, 0, s>>>(x, y, n, act);
  CUDA_CHECK_LAUNCH();
}

void launch_geglu(const float* x, float* y, int64_t rows, int64_t n, cudaStream_t s) {
  geglu_kernel<<<grid_for(rows * n), kThreads, 0, s>>>(x, y, rows, n);
  CUDA_CHECK_LAUNCH();
}

void launch_axpby(float alpha, const float* a, float beta, const float* b, float* out, int64_t n, cudaStream_t s) {
  axpby_kernel<<<grid_for(n), kThreads, 0, s>>>(alpha, a, beta, b, out, n);
  CUDA_CHECK_LAUNCH();
}

void launch_add_channel_bias(const float* x, const float* v, float* y, int64_t bc, int64_t hw, cudaStream_t s) {
  channel_bias_kernel<<<grid_for(bc * hw), kThreads, 0, s>>>(x, v, y, bc, hw);
  CUDA_CHECK_LAUNCH();
}

void launch_upsample_nearest2x(const float* x, float* y, int64_t bc, int64_t h, int64_t w, cudaStream_t s) {
  upsample_kernel<<<grid_for(bc * h * w * 4), kThreads, 0, s>>>(x, y, bc, h, w);
  CUDA_CHECK_LAUNCH();
}

void launch_concat(const float* a, const float* b, float* y, int64_t outer, int64_t na, int64_t nb, cudaStream_t s) {
  concat_kernel<<<grid_for(outer * (na + nb)), kThreads, 0, s>>>(a, b, y, outer, na, nb);
  CUDA_CHECK_LAUNCH();
}

void launch_embedding(const void* table, int table_dtype, const int64_t* ids, float* y, int64_t rows, int64_t c,
                      cudaStream_t s) {
  unsigned g = grid_for(rows * c);
  if (table_dtype == 1)
    embedding_kernel<<<g, kThreads, 0, s>>>(static_cast<const __half*>(table), ids, y, rows, c);
  else if (table_dtype == 2)
    embedding_kernel<<<g, kThreads, 0, s>>>(static_cast<const __nv_bfloat16*>(table), ids, y, rows, c);
  else
    embedding_kernel<<<g, kThreads, 0, s>>>(static_cast<const float*>(table), ids, y, rows, c);
  CUDA_CHECK_LAUNCH();
}

}  // namespace gpuq::cuda
