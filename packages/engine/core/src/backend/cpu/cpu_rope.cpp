// Rotary position embedding on interleaved pairs of each head's channels.
// Parallel over the pool, with the same arithmetic as the host reference in backend/host_ops.cpp
// (rotation in double), which test_wan_ops compares it with. At WAN's real sizes (32k tokens x 1536 channels
// for WAN 1.3B at 480p) the single-threaded reference would cost as much as the matrix products.
#include <cstdint>

#include "backend/cpu/cpu_backend.h"

namespace gpuq {

Tensor CpuBackend::rope(const Tensor& x, const Tensor& cos, const Tensor& sin, int heads) {
  Scope scope_(*this, "elementwise", 0);
  check_rope_shapes(x, cos, sin, heads);
  const int64_t batch = x.dim(0), len = x.dim(1), width = x.dim(2), d = width / heads, half = d / 2;
  Tensor y = Tensor::empty(x.shape());
  const float* in = x.f32();
  const float* cs = cos.f32();
  const float* sn = sin.f32();
  float* out = y.f32();
  pool_->parallel_for(
      batch * len,
      [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
          const int64_t l = r % len;
          for (int64_t h = 0; h < heads; ++h)
            for (int64_t i = 0; i < half; ++i) {
              const int64_t at = r * width + h * d + 2 * i;
              const double x1 = in[at], x2 = in[at + 1], c = cs[l * half + i], s = sn[l * half + i];
              out[at] = static_cast<float>(x1 * c - x2 * s);
              out[at + 1] = static_cast<float>(x1 * s + x2 * c);
            }
        }
      },
      16);
  return y;
}

}  // namespace gpuq
