// WAN's ops on the CPU, parallel over the pool: the same arithmetic as the host references in
// backend/host_ops.cpp (statistics in double, RoPE in double), which test_wan_ops compares them
// with. At real sizes (32k tokens x 1536 channels for WAN 1.3B at 480p) the single-threaded
// references would cost as much as the matrix products.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/fast_math.h"
#include "backend/cpu/gemm.h"
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

Tensor CpuBackend::attention_biased(const Tensor& q, const Tensor& k, const Tensor& v, int heads, float scale,
                                    const Tensor& bias) {
  Scope scope_(*this, "attention", 4.0 * static_cast<double>(q.numel()) * static_cast<double>(k.dim(1)));
  const int64_t batch = q.dim(0), lq = q.dim(1), lk = k.dim(1), width = q.dim(2), d = width / heads;
  check_attention_biased_shapes(q, k, v, heads, bias);
  Tensor out = Tensor::empty(q.shape());
  pool_->parallel_for(batch * heads, [&](int64_t t0, int64_t t1) {
    std::vector<float> scores(static_cast<size_t>(lq * lk));
    for (int64_t t = t0; t < t1; ++t) {
      const int64_t b = t / heads, h = t % heads;
      const float* bp = bias.f32() + ((bias.dim(0) == 1 ? 0 : b) * heads + h) * lq * lk;
      sgemm_serial(false, true, lq, lk, d, scale, q.f32() + b * lq * width + h * d, width,
                   k.f32() + b * lk * width + h * d, width, 0.0f, scores.data(), lk);
      for (int64_t i = 0; i < lq; ++i) {
        float* row = scores.data() + i * lk;
        float mx = -std::numeric_limits<float>::infinity();
        for (int64_t j = 0; j < lk; ++j) mx = std::max(mx, row[j] += bp[i * lk + j]);
        double sum = 0;
        for (int64_t j = 0; j < lk; ++j) sum += (row[j] = std::exp(row[j] - mx));
        const float inv = static_cast<float>(1.0 / sum);
        for (int64_t j = 0; j < lk; ++j) row[j] *= inv;
      }
      sgemm_serial(false, false, lq, d, lk, 1.0f, scores.data(), lk, v.f32() + b * lk * width + h * d, width, 0.0f,
                   out.f32() + b * lq * width + h * d, width);
    }
  });
  return out;
}

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
