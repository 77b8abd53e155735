// Where an attention score row finds its additive bias. The unfused attention computes scores for
// a block of `nh` heads x `nr` query rows (starting at head h0, query r0); the bias is
// [Bb, H, Lq, Lk] (Bb = 1 broadcasts over the batch). Plain C++: softmax.cu and the CPU unit test
// (test_cuda_plans) use the same functions.
#pragma once

#include <cstdint>

#include "backend/cuda/host_device.h"

namespace gpuq::cuda {

// Offset of the bias row for (batch n, first head h0, first query r0) of a score block.
inline int64_t bias_block_offset(int64_t bias_batch, int64_t n, int64_t heads, int64_t lq, int64_t lk, int64_t h0,
                                 int64_t r0) {
  return (((bias_batch == 1 ? 0 : n) * heads + h0) * lq + r0) * lk;
}

// Offset, from the block's first bias row, of score row `row` of the block (rows run head-major:
// nr query rows of the first head, then of the next).
GPUQ_HD int64_t bias_row_offset(int64_t row, int64_t nr, int64_t lq, int64_t lk) {
  return (row / nr) * lq * lk + (row % nr) * lk;
}

}  // namespace gpuq::cuda
