// Per-sample modulation and gated residual adds (WAN's adaptive layer norm conditioning).
// Parallel over the pool, with the same arithmetic as the host reference in backend/host_ops.cpp
// (the same float expressions), which test_wan_ops compares it with. At WAN's real sizes (32k tokens x 1536 channels
// for WAN 1.3B at 480p) the single-threaded reference would cost as much as the matrix products.
#include <cstdint>

#include "backend/cpu/cpu_backend.h"
#include "util/error.h"

namespace gpuq {

Tensor CpuBackend::modulate(const Tensor& x, const Tensor& scale, const Tensor& shift) {
  Scope scope_(*this, "elementwise", 0);
  const int64_t batch = x.dim(0), c = x.dim(-1), len = x.numel() / (batch * c);
  check_per_sample_vector("modulate", x, scale);
  check_per_sample_vector("modulate", x, shift);
  Tensor y = Tensor::empty(x.shape());
  const float* in = x.f32();
  const float* sc = scale.f32();
  const float* sh = shift.f32();
  float* out = y.f32();
  pool_->parallel_for(
      batch * len,
      [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
          const int64_t b = r / len;
          for (int64_t j = 0; j < c; ++j) out[r * c + j] = in[r * c + j] * (1.0f + sc[b * c + j]) + sh[b * c + j];
        }
      },
      16);
  return y;
}

Tensor CpuBackend::add_gated(const Tensor& x, const Tensor& y, const Tensor& gate) {
  Scope scope_(*this, "elementwise", 0);
  const int64_t batch = x.dim(0), c = x.dim(-1), len = x.numel() / (batch * c);
  check(x.shape() == y.shape() && gate.numel() == batch * c, ErrorCode::InvalidArgument,
        "add_gated: " + shape_str(x.shape()) + ", " + shape_str(y.shape()) + ", gate " + shape_str(gate.shape()));
  Tensor o = Tensor::empty(x.shape());
  const float* a = x.f32();
  const float* bv = y.f32();
  const float* g = gate.f32();
  float* out = o.f32();
  pool_->parallel_for(
      batch * len,
      [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
          const int64_t b = r / len;
          for (int64_t j = 0; j < c; ++j) out[r * c + j] = a[r * c + j] + bv[r * c + j] * g[b * c + j];
        }
      },
      16);
  return o;
}

}  // namespace gpuq
