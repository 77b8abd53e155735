// Layout changes: NCHW <-> token-major (N, HW, C) for SDXL's attention blocks, and a general
// permute for WAN's 5-D video tensors.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "backend/cpu/cpu_backend.h"
#include "util/error.h"

namespace gpuq {

Tensor CpuBackend::nchw_to_nlc(const Tensor& x) {
  Scope scope_(*this, "layout", 0);
  const int64_t batch = x.dim(0), c = x.dim(1), hw = x.dim(2) * x.dim(3);
  Tensor y = Tensor::empty({batch, hw, c});
  const float* in = x.f32();
  float* out = y.f32();
  pool_->parallel_for(batch * hw, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i) {
      int64_t n = i / hw, p = i % hw;
      for (int64_t ch = 0; ch < c; ++ch) out[i * c + ch] = in[(n * c + ch) * hw + p];
    }
  });
  return y;
}

Tensor CpuBackend::nlc_to_nchw(const Tensor& x, int64_t h, int64_t w) {
  Scope scope_(*this, "layout", 0);
  const int64_t batch = x.dim(0), hw = x.dim(1), c = x.dim(2);
  check(hw == h * w, ErrorCode::InvalidArgument, "nlc_to_nchw: " + shape_str(x.shape()));
  Tensor y = Tensor::empty({batch, c, h, w});
  const float* in = x.f32();
  float* out = y.f32();
  pool_->parallel_for(batch * c, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i) {
      int64_t n = i / c, ch = i % c;
      for (int64_t p = 0; p < hw; ++p) out[i * hw + p] = in[(n * hw + p) * c + ch];
    }
  });
  return y;
}

Tensor CpuBackend::permute(const Tensor& x, const std::vector<int>& perm) {
  Scope scope_(*this, "layout", 0);
  const int nd = x.ndim();
  check(static_cast<int>(perm.size()) == nd && nd >= 1, ErrorCode::InvalidArgument, "permute: rank mismatch");
  std::vector<int64_t> in_stride(static_cast<size_t>(nd)), out_shape(static_cast<size_t>(nd));
  int64_t s = 1;
  for (int i = nd - 1; i >= 0; --i) in_stride[i] = s, s *= x.dim(i);
  for (int i = 0; i < nd; ++i) out_shape[i] = x.dim(perm[i]);
  Tensor y = Tensor::empty(out_shape);
  const int64_t inner = out_shape.back(), rows = y.numel() / std::max<int64_t>(1, inner);
  const int64_t step = in_stride[perm[nd - 1]];
  const float* in = x.f32();
  float* out = y.f32();
  // Row by row of the output: the row's source offset from its coordinates, then a strided copy.
  pool_->parallel_for(
      rows,
      [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
          int64_t rem = r, src = 0;
          for (int i = nd - 2; i >= 0; --i) {
            src += (rem % out_shape[i]) * in_stride[perm[i]];
            rem /= out_shape[i];
          }
          float* d = out + r * inner;
          for (int64_t j = 0; j < inner; ++j) d[j] = in[src + j * step];
        }
      },
      16);
  return y;
}

}  // namespace gpuq
