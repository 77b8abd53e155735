// Memory-bound kernels on fp32 activations: activations, GEGLU, sums, broadcasts, nearest
// upsampling, concatenation, embedding lookup. One thread per output element, grid-stride loops;
// each reads its inputs once and writes once, so they run at memory bandwidth.
#pragma once

#include <cstdint>

#include <cuda_runtime.h>

namespace gpuq::cuda {

// act: 0 SiLU, 1 gelu (erf), 2 gelu (tanh), 3 quick_gelu (the order of gpuq::Activation).
void launch_activation(const float* x, float* y, int64_t n, int act, cudaStream_t s);
// x [rows, 2n] -> y [rows, n] = x[:, :n] * gelu_erf(x[:, n:]).
void launch_geglu(const float* x, float* y, int64_t rows, int64_t n, cudaStream_t s);
// out = alpha * a + beta * b.
void launch_axpby(float alpha, const float* a, float beta, const float* b, float* out, int64_t n, cudaStream_t s);
// y[bc, i] = x[bc, i] + v[bc] for i < hw.
void launch_add_channel_bias(const float* x, const float* v, float* y, int64_t bc, int64_t hw, cudaStream_t s);
// x [bc, h, w] -> y [bc, 2h, 2w].
void launch_upsample_nearest2x(const float* x, float* y, int64_t bc, int64_t h, int64_t w, cudaStream_t s);
// Per outer index: y = [a (na values), b (nb values)].
void launch_concat(const float* a, const float* b, float* y, int64_t outer, int64_t na, int64_t nb, cudaStream_t s);
// y[r, :] = table[ids[r], :]; table dtype: 0 fp32, 1 fp16, 2 bf16 (ids checked by the caller).
void launch_embedding(const void* table, int table_dtype, const int64_t* ids, float* y, int64_t rows, int64_t c,
                      cudaStream_t s);

// dst [rows, cols] (packed, fp16 if dtype == 1 else bf16) = src rows of stride ld, rounded to
// nearest (operands for cuBLAS, which wants A and B of one type).
void launch_convert_rows(const float* src, int64_t ld, void* dst, int64_t rows, int64_t cols, int dtype, cudaStream_t s);
// c[r, :cols] (row stride ldc) = bias for every row (a product's bias, added by beta = 1).
void launch_fill_rows(float* c, int64_t ldc, const float* bias, int64_t rows, int64_t cols, cudaStream_t s);

}  // namespace gpuq::cuda
