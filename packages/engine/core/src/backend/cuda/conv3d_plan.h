// Index maths of the CUDA 3D convolution as an implicit GEMM: output pixels (t, y, x of one
// batch item, flattened) are the GEMM's rows, the (channel, kt, kh, kw) taps are its columns
// (the order of a [Cout, Cin, kt, kh, kw] weight flattened, so the weight is the B operand as
// stored), and each (row, column) reads one input value or a zero of the padding. Plain C++:
// the kernel (conv3d.cu) and the CPU unit test (test_cuda_plans) run the same functions.
#pragma once

#include <algorithm>
#include <cstdint>

#include "backend/cuda/host_device.h"

namespace gpuq::cuda {

struct Conv3dPlan {
  int64_t cin = 0, t = 0, h = 0, w = 0;  // one batch item's input
  int64_t kt = 0, kh = 0, kw = 0;
  int64_t st = 1, sh = 1, sw = 1, pt = 0, ph = 0, pw = 0;
  int64_t ot = 0, oh = 0, ow = 0;  // output frames / rows / columns (<= 0: no output)

  GPUQ_HD int64_t pixels() const { return ot * oh * ow; }
  GPUQ_HD int64_t columns() const { return cin * kt * kh * kw; }
  bool valid() const { return ot > 0 && oh > 0 && ow > 0 && st > 0 && sh > 0 && sw > 0; }
};

// x [B, Cin, T, H, W], w [Cout, Cin, kt, kh, kw], stride / pad per (t, h, w): PyTorch's
// out = (in + 2 pad - k) / stride + 1 per axis.
inline Conv3dPlan plan_conv3d(const int64_t* x_shape, const int64_t* w_shape, const int* stride, const int* pad) {
  Conv3dPlan p;
  p.cin = x_shape[1], p.t = x_shape[2], p.h = x_shape[3], p.w = x_shape[4];
  p.kt = w_shape[2], p.kh = w_shape[3], p.kw = w_shape[4];
  p.st = stride[0], p.sh = stride[1], p.sw = stride[2];
  p.pt = pad[0], p.ph = pad[1], p.pw = pad[2];
  if (p.st <= 0 || p.sh <= 0 || p.sw <= 0) return p;
  p.ot = (p.t + 2 * p.pt - p.kt) / p.st + 1;
  p.oh = (p.h + 2 * p.ph - p.kh) / p.sh + 1;
  p.ow = (p.w + 2 * p.pw - p.kw) / p.sw + 1;
  return p;
}

// Offset into one batch item's input [Cin, T, H, W] read by GEMM row `pixel` at column `column`,
// or -1 where the tap falls into the zero padding.
GPUQ_HD int64_t conv3d_source(const Conv3dPlan& p, int64_t pixel, int64_t column) {
  const int64_t ox = pixel % p.ow, oy = (pixel / p.ow) % p.oh, of = pixel / (p.ow * p.oh);
  const int64_t kx = column % p.kw, ky = (column / p.kw) % p.kh, kf = (column / (p.kw * p.kh)) % p.kt;
  const int64_t c = column / (p.kw * p.kh * p.kt);
  const int64_t it = of * p.st - p.pt + kf, iy = oy * p.sh - p.ph + ky, ix = ox * p.sw - p.pw + kx;
  if (it < 0 || it >= p.t || iy < 0 || iy >= p.h || ix < 0 || ix >= p.w) return -1;
  return ((c * p.t + it) * p.h + iy) * p.w + ix;
}

// Output pixels per band so that the band's column buffer (pixels x columns fp32) stays within
// `scratch_bytes` and its rows within what one GEMM launch takes (`max_rows`): at least one, at
// most all. WAN's VAE at 480p would need ~20 GB in one piece.
inline int64_t conv3d_band(const Conv3dPlan& p, int64_t scratch_bytes, int64_t max_rows) {
  const int64_t per_pixel = std::max<int64_t>(1, p.columns() * 4);
  return std::clamp<int64_t>(scratch_bytes / per_pixel, 1, std::max<int64_t>(1, std::min(p.pixels(), max_rows)));
}

}  // namespace gpuq::cuda
