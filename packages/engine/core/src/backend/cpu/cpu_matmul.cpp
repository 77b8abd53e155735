// Linear layers and convolutions: both reduce to sgemm.
#include <algorithm>
#include <cstring>
#include <vector>

#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/gemm.h"
#include "util/error.h"

namespace gpuq {

Tensor CpuBackend::linear(const Tensor& x, const Tensor& w, const Tensor* b) {
  Scope scope_(*this, "linear", 2.0 * static_cast<double>(x.numel()) * static_cast<double>(w.dim(0)));
  int64_t k = x.dim(-1);
  check(w.ndim() == 2 && w.dim(1) == k, ErrorCode::InvalidArgument,
        "linear: input " + shape_str(x.shape()) + " vs weight " + shape_str(w.shape()));
  int64_t n = w.dim(0);
  int64_t m = x.numel() / k;
  Shape out_shape = x.shape();
  out_shape.back() = n;
  Tensor y = Tensor::empty(out_shape);
  float* yp = y.f32();
  if (b) {
    // Preload the bias and accumulate with beta = 1: one pass over y instead of two.
    const float* bp = b->f32();
    for (int64_t i = 0; i < m; ++i) std::memcpy(yp + i * n, bp, static_cast<size_t>(n) * 4);
  }
  sgemm(false, true, m, n, k, 1.0f, x.f32(), k, w.f32(), k, b ? 1.0f : 0.0f, yp, n, *pool_);
  return y;
}

Tensor CpuBackend::conv2d(const Tensor& x, const Tensor& w, const Tensor* b, int stride, int pad) {
  Scope scope_(*this, "conv2d", 2.0 * static_cast<double>(x.dim(0)) * static_cast<double>(w.numel()) * static_cast<double>((x.dim(2) + 2 * pad - w.dim(2)) / stride + 1) * static_cast<double>((x.dim(3) + 2 * pad - w.dim(3)) / stride + 1));
  check(x.ndim() == 4 && w.ndim() == 4 && x.dim(1) == w.dim(1), ErrorCode::InvalidArgument,
        "conv2d: input " + shape_str(x.shape()) + " vs weight " + shape_str(w.shape()));
  const int64_t batch = x.dim(0), cin = x.dim(1), h = x.dim(2), wd = x.dim(3);
  const int64_t cout = w.dim(0), kh = w.dim(2), kw = w.dim(3);
  const int64_t oh = (h + 2 * pad - kh) / stride + 1, ow = (wd + 2 * pad - kw) / stride + 1;
  Tensor y = Tensor::empty({batch, cout, oh, ow});
  const int64_t ohw = oh * ow, ckk = cin * kh * kw;
  // Images per product: the whole batch in one im2col matrix [Cin*kh*kw, B*OH*OW] makes low
  // resolutions (8x8 at SDXL's innermost level) one wide product instead of B narrow ones; the
  // buffer is capped at ~256 MiB, beyond which images go one (or a few) at a time.
  const int64_t per_image = ckk * ohw;
  const int64_t group = std::max<int64_t>(1, std::min<int64_t>(batch, (int64_t{64} << 20) / std::max<int64_t>(1, per_image)));
  std::vector<float> col(static_cast<size_t>(group * per_image));
  std::vector<float> wide(group > 1 ? static_cast<size_t>(cout * group * ohw) : 0);
  for (int64_t n0 = 0; n0 < batch; n0 += group) {
    const int64_t g = std::min(group, batch - n0), cols = g * ohw;
    pool_->parallel_for(ckk * g, [&](int64_t r0, int64_t r1) {
      for (int64_t rr = r0; rr < r1; ++rr) {
        const int64_t r = rr % ckk, img = rr / ckk;
        const int64_t c = r / (kh * kw), ki = (r / kw) % kh, kj = r % kw;
        float* dst = col.data() + r * cols + img * ohw;
        const float* src = x.f32() + ((n0 + img) * cin + c) * h * wd;
        for (int64_t oy = 0; oy < oh; ++oy) {
          const int64_t iy = oy * stride - pad + ki;
          float* drow = dst + oy * ow;
          if (iy < 0 || iy >= h) {
            std::memset(drow, 0, static_cast<size_t>(ow) * 4);
            continue;
          }
          const float* srow = src + iy * wd;
          if (stride == 1 && kw == 1 && pad == 0) {
            std::memcpy(drow, srow, static_cast<size_t>(ow) * 4);
            continue;
          }
          for (int64_t ox = 0; ox < ow; ++ox) {
            const int64_t ix = ox * stride - pad + kj;
            drow[ox] = (ix >= 0 && ix < wd) ? srow[ix] : 0.0f;
          }
        }
      }
    });
    float* dst = g > 1 ? wide.data() : y.f32() + n0 * cout * ohw;
    if (b) {
      const float* bp = b->f32();
      for (int64_t c = 0; c < cout; ++c) std::fill(dst + c * cols, dst + (c + 1) * cols, bp[c]);
    }
    sgemm(false, false, cout, cols, ckk, 1.0f, w.f32(), ckk, col.data(), cols, b ? 1.0f : 0.0f, dst, cols, *pool_);
    if (g > 1) {
      // [Cout, g, OHW] -> [g, Cout, OHW]
      pool_->parallel_for(g * cout, [&](int64_t i0, int64_t i1) {
        for (int64_t i = i0; i < i1; ++i) {
          const int64_t img = i / cout, c = i % cout;
          std::memcpy(y.f32() + ((n0 + img) * cout + c) * ohw, wide.data() + c * cols + img * ohw,
                      static_cast<size_t>(ohw) * 4);
        }
      });
    }
  }
  return y;
}

}  // namespace gpuq
