// RMS normalisation over the last axis (WAN's transformer) and over channels (WAN's VAE).
// Parallel over the pool, with the same arithmetic as the host reference in backend/host_ops.cpp
// (statistics in double), which test_wan_ops compares it with. At WAN's real sizes (32k tokens x 1536 channels
// for WAN 1.3B at 480p) the single-threaded reference would cost as much as the matrix products.
#include <algorithm>
#include <cmath>
#include <vector>

#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/fast_math.h"
#include "util/error.h"

namespace gpuq {

Tensor CpuBackend::rms_norm(const Tensor& x, const Tensor* gamma, float eps) {
  Scope scope_(*this, "rms_norm", 0);
  const int64_t c = x.dim(-1), rows = x.numel() / c;
  check(!gamma || gamma->numel() == c, ErrorCode::InvalidArgument, "rms_norm: gamma vs " + shape_str(x.shape()));
  Tensor y = Tensor::empty(x.shape());
  const float* in = x.f32();
  const float* g = gamma ? gamma->f32() : nullptr;
  float* out = y.f32();
  pool_->parallel_for(
      rows,
      [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
          const float* s = in + r * c;
          float* d = out + r * c;
          double sq = 0;
          for (int64_t j = 0; j < c; ++j) sq += static_cast<double>(s[j]) * s[j];
          const float inv = static_cast<float>(1.0 / std::sqrt(sq / static_cast<double>(c) + eps));
          for (int64_t j = 0; j < c; ++j) d[j] = (s[j] * inv) * (g ? g[j] : 1.0f);
        }
      },
      16);
  return y;
}

Tensor CpuBackend::rms_norm_channels(const Tensor& x, const Tensor& gamma, const Tensor* bias, bool silu) {
  Scope scope_(*this, "rms_norm", 0);
  const int64_t batch = x.dim(0), c = x.dim(1), inner = x.numel() / (batch * c);
  check_rms_norm_channels_shapes(x, gamma, bias);
  Tensor y = Tensor::empty(x.shape());
  const float* in = x.f32();
  const float* g = gamma.f32();
  const float* bt = bias ? bias->f32() : nullptr;
  float* out = y.f32();
  const double scale = std::sqrt(static_cast<double>(c));
  // Blocks of pixels: the channel loop strides by `inner`, so each task keeps a row of sums.
  const int64_t block = 256, blocks = (inner + block - 1) / block;
  pool_->parallel_for(batch * blocks, [&](int64_t t0, int64_t t1) {
    std::vector<double> sq(static_cast<size_t>(block));
    std::vector<float> f(static_cast<size_t>(block));
    for (int64_t t = t0; t < t1; ++t) {
      const int64_t n = t / blocks, p0 = (t % blocks) * block, np = std::min(block, inner - p0);
      const float* src = in + n * c * inner + p0;
      float* dst = out + n * c * inner + p0;
      std::fill(sq.begin(), sq.end(), 0.0);
      for (int64_t ch = 0; ch < c; ++ch)
        for (int64_t p = 0; p < np; ++p) sq[p] += static_cast<double>(src[ch * inner + p]) * src[ch * inner + p];
      for (int64_t p = 0; p < np; ++p) f[p] = static_cast<float>(scale / std::max(std::sqrt(sq[p]), 1e-12));
      for (int64_t ch = 0; ch < c; ++ch) {
        const float gc = g[ch], bc = bt ? bt[ch] : 0.0f;
        for (int64_t p = 0; p < np; ++p) {
          const float v = src[ch * inner + p] * f[p] * gc + bc;
          dst[ch * inner + p] = silu ? fast::silu(v) : v;
        }
      }
    }
  });
  return y;
}

}  // namespace gpuq
