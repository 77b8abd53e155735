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
  sgemm(false, true, m, n, k, 1.0f, x.f32(), k, f32_weights(w), k, b ? 1.0f : 0.0f, yp, n, *pool_);
  return y;
}

namespace {

// Writes the im2col rows of image `img` for output rows [oy0, oy0 + rows) into dst: row r of the
// [Cin*kh*kw, ld] matrix gets rows*ow values starting at column `col0`.
struct Im2col {
  const float* x;
  int64_t cin, h, w, kh, kw, stride, pad, oh, ow;

  void fill(int64_t img, int64_t oy0, int64_t rows, float* dst, int64_t ld, int64_t col0, ThreadPool& pool) const {
    const int64_t ckk = cin * kh * kw;
    pool.parallel_for(ckk, [&](int64_t r0, int64_t r1) {
      for (int64_t r = r0; r < r1; ++r) {
        const int64_t c = r / (kh * kw), ki = (r / kw) % kh, kj = r % kw;
        const float* src = x + (img * cin + c) * h * w;
        float* out = dst + r * ld + col0;
        for (int64_t oy = oy0; oy < oy0 + rows; ++oy) {
          const int64_t iy = oy * stride - pad + ki;
          float* drow = out + (oy - oy0) * ow;
          if (iy < 0 || iy >= h) {
            std::memset(drow, 0, static_cast<size_t>(ow) * 4);
            continue;
          }
          const float* srow = src + iy * w;
          if (stride == 1 && kw == 1 && pad == 0) {
            std::memcpy(drow, srow, static_cast<size_t>(ow) * 4);
            continue;
          }
          for (int64_t ox = 0; ox < ow; ++ox) {
            const int64_t ix = ox * stride - pad + kj;
            drow[ox] = (ix >= 0 && ix < w) ? srow[ix] : 0.0f;
          }
        }
      }
    });
  }
};

}  // namespace

Tensor CpuBackend::conv2d(const Tensor& x, const Tensor& w, const Tensor* b, int stride, int pad) {
  check(x.ndim() == 4 && w.ndim() == 4 && x.dim(1) == w.dim(1), ErrorCode::InvalidArgument,
        "conv2d: input " + shape_str(x.shape()) + " vs weight " + shape_str(w.shape()));
  const int64_t batch = x.dim(0), cin = x.dim(1), h = x.dim(2), wd = x.dim(3);
  const int64_t cout = w.dim(0), kh = w.dim(2), kw = w.dim(3);
  const int64_t oh = (h + 2 * pad - kh) / stride + 1, ow = (wd + 2 * pad - kw) / stride + 1;
  const int64_t ohw = oh * ow, ckk = cin * kh * kw;
  Scope scope_(*this, "conv2d", 2.0 * static_cast<double>(batch * cout * ohw) * static_cast<double>(ckk));
  Tensor y = Tensor::empty({batch, cout, oh, ow});
  const Im2col im{x.f32(), cin, h, wd, kh, kw, stride, pad, oh, ow};
  const float* wp = f32_weights(w);
  const int64_t max_cols = std::max<int64_t>(ow, im2col_cap_ / std::max<int64_t>(1, ckk));
  auto bias_fill = [&](float* dst, int64_t ld, int64_t cols) {
    if (!b) return;
    const float* bp = b->f32();
    for (int64_t c = 0; c < cout; ++c) std::fill(dst + c * ld, dst + c * ld + cols, bp[c]);
  };

  if (batch > 1 && batch * ohw <= max_cols) {
    // Small images: the whole batch as one wide product [Cout, B*OH*OW] (8x8 at SDXL's innermost
    // level would otherwise be B narrow products), then [Cout, B, OHW] -> [B, Cout, OHW].
    const int64_t cols = batch * ohw;
    // Scratch as tensors: their blocks are recycled (tensor/block_cache.h), not re-mapped per call.
    Tensor col_t = Tensor::empty({ckk * cols}), wide_t = Tensor::empty({cout * cols});
    float* col = col_t.f32();
    float* wide = wide_t.f32();
    for (int64_t n = 0; n < batch; ++n) im.fill(n, 0, oh, col, cols, n * ohw, *pool_);
    bias_fill(wide, cols, cols);
    sgemm(false, false, cout, cols, ckk, 1.0f, wp, ckk, col, cols, b ? 1.0f : 0.0f, wide, cols, *pool_);
    pool_->parallel_for(batch * cout, [&](int64_t i0, int64_t i1) {
      for (int64_t i = i0; i < i1; ++i) {
        const int64_t n = i / cout, c = i % cout;
        std::memcpy(y.f32() + (n * cout + c) * ohw, wide + c * cols + n * ohw, static_cast<size_t>(ohw) * 4);
      }
    });
    return y;
  }

  // Otherwise image by image, in bands of output rows whose im2col fits the cap; each band's
  // product writes straight into the output (leading dimension OH*OW).
  const int64_t band = std::max<int64_t>(1, std::min(oh, max_cols / ow));
  Tensor col_t = Tensor::empty({ckk * band * ow});
  float* col = col_t.f32();
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t oy0 = 0; oy0 < oh; oy0 += band) {
      const int64_t rows = std::min(band, oh - oy0), cols = rows * ow;
      im.fill(n, oy0, rows, col, cols, 0, *pool_);
      float* dst = y.f32() + n * cout * ohw + oy0 * ow;
      bias_fill(dst, ohw, cols);
      sgemm(false, false, cout, cols, ckk, 1.0f, wp, ckk, col, cols, b ? 1.0f : 0.0f, dst, ohw, *pool_);
    }
  return y;
}

}  // namespace gpuq
