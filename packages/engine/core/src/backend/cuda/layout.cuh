// Data movement between layouts: batched transpose (NCHW <-> [B, HW, C], and the convolution's
// [pixels, Cout] product back to NCHW, with the conv bias folded in), im2col for
// convolutions as matrix products, and the generic permute / row copies (narrow, concat) whose
// index maths is in layout_plan.h.
#pragma once

#include <cstdint>

#include <cuda_runtime.h>

#include "backend/cuda/layout_plan.h"

namespace gpuq::cuda {

// y[b, c, r] = x[b, r, c] (+ bias[c]) for x [batch, rows, cols]; bias may be null.
void launch_transpose(const float* x, float* y, int64_t batch, int64_t rows, int64_t cols, const float* bias,
                      cudaStream_t s);
// Output pixels [p0, p0 + np) of one image x [C, H, W] as rows of col [np, C*k*k]
// (column order c, ki, kj: the order of a [Cout, C, k, k] weight flattened), zero padding.
void launch_im2col(const float* x, float* col, int64_t c, int64_t h, int64_t w, int k, int stride, int pad,
                   int64_t ow, int64_t p0, int64_t np, cudaStream_t s);
// y[i] = x[permute_source(p, i)] for every output element.
void launch_permute(const float* x, float* y, const PermutePlan& p, cudaStream_t s);
// The rows of `c` from x to y (the other values of y untouched).
void launch_row_copy(const float* x, float* y, const RowCopy& c, cudaStream_t s);

}  // namespace gpuq::cuda
