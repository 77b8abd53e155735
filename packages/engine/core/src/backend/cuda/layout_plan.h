// Index maths of the CUDA layout ops (layout.cu), plain C++ so that the CPU unit test
// (test_cuda_plans) checks it against the CPU backend: a permutation as the source offset of every
// output element, and narrow / concat as copies of equal rows between two row pitches.
#pragma once

#include <cstdint>

#include "backend/cuda/host_device.h"

namespace gpuq::cuda {

constexpr int kMaxPermuteDims = 8;

struct PermutePlan {
  int dims = 0;
  int64_t numel = 1;
  int64_t out_shape[kMaxPermuteDims] = {};
  int64_t src_stride[kMaxPermuteDims] = {};  // input stride of the dim that output dim i takes
};

// Output dim i = input dim perm[i] (PyTorch's permute). The caller checks that perm is a
// permutation of [0, dims) and dims <= kMaxPermuteDims.
inline PermutePlan plan_permute(const int64_t* shape, int dims, const int* perm) {
  PermutePlan p;
  p.dims = dims;
  int64_t in_stride[kMaxPermuteDims];
  int64_t s = 1;
  for (int i = dims - 1; i >= 0; --i) in_stride[i] = s, s *= shape[i];
  for (int i = 0; i < dims; ++i) {
    p.out_shape[i] = shape[perm[i]];
    p.src_stride[i] = in_stride[perm[i]];
    p.numel *= p.out_shape[i];
  }
  return p;
}

GPUQ_HD int64_t permute_source(const PermutePlan& p, int64_t out_index) {
  int64_t src = 0;
  for (int i = p.dims - 1; i >= 0; --i) {
    src += (out_index % p.out_shape[i]) * p.src_stride[i];
    out_index /= p.out_shape[i];
  }
  return src;
}

// `rows` rows of `width` floats: row r goes from src + src_offset + r * src_pitch to
// dst + dst_offset + r * dst_pitch.
struct RowCopy {
  int64_t rows = 0, width = 0, src_pitch = 0, dst_pitch = 0, src_offset = 0, dst_offset = 0;
};

// Products of the dims before and after `dim` (the rows and the inner block of a copy along it).
inline void split_at(const int64_t* shape, int dims, int dim, int64_t& outer, int64_t& inner) {
  outer = inner = 1;
  for (int i = 0; i < dim; ++i) outer *= shape[i];
  for (int i = dim + 1; i < dims; ++i) inner *= shape[i];
}

// narrow(x, dim, start, count): one copy.
inline RowCopy plan_narrow(const int64_t* shape, int dims, int dim, int64_t start, int64_t count) {
  int64_t outer, inner;
  split_at(shape, dims, dim, outer, inner);
  return {outer, count * inner, shape[dim] * inner, count * inner, start * inner, 0};
}

// concat(a, b, dim): two copies, a's rows then b's into the wider output rows (`b_shape` differs
// from `a_shape` only at dim).
inline void plan_concat(const int64_t* a_shape, const int64_t* b_shape, int dims, int dim, RowCopy& a, RowCopy& b) {
  int64_t outer, inner;
  split_at(a_shape, dims, dim, outer, inner);
  const int64_t na = a_shape[dim] * inner, nb = b_shape[dim] * inner;
  a = {outer, na, na, na + nb, 0, 0};
  b = {outer, nb, nb, na + nb, 0, na};
}

GPUQ_HD int64_t row_copy_source(const RowCopy& c, int64_t i) {
  return c.src_offset + (i / c.width) * c.src_pitch + i % c.width;
}
GPUQ_HD int64_t row_copy_target(const RowCopy& c, int64_t i) {
  return c.dst_offset + (i / c.width) * c.dst_pitch + i % c.width;
}

}  // namespace gpuq::cuda
