// Row softmax for attention scores in place: rows of length lk; with `causal`, key j of query
// i = q0 + row % lq is masked when j > i (q0: first query of a block of rows). One block per row;
// max, sum of exp, normalise. The biased form first adds a bias row to each score row
// (attention_bias_plan.h says which).
#pragma once

#include <cstdint>

#include <cuda_runtime.h>

namespace gpuq::cuda {

void launch_softmax_rows(float* s, int64_t rows, int64_t lq, int64_t q0, int64_t lk, bool causal, cudaStream_t st);
// Rows of a block of nr query rows per head; row r adds bias[bias_row_offset(r, nr, bias_lq, lk)].
void launch_softmax_rows_biased(float* s, int64_t rows, int64_t nr, const float* bias, int64_t bias_lq, int64_t lk,
                                cudaStream_t st);

}  // namespace gpuq::cuda
