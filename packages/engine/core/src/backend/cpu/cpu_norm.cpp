// Normalisations. Statistics accumulate in double: the references were judged against a float64
// rerun, and double sums cost nothing next to the matrix products.
#include <cmath>

#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/fast_math.h"
#include "util/error.h"

namespace gpuq {

Tensor CpuBackend::group_norm(const Tensor& x, int groups, const Tensor& gamma, const Tensor& beta, float eps,
                              bool silu) {
  Scope scope_(*this, "group_norm", 0);
  check(x.ndim() >= 2 && x.dim(1) % groups == 0, ErrorCode::InvalidArgument,
        "group_norm: " + std::to_string(groups) + " groups for input " + shape_str(x.shape()));
  const int64_t batch = x.dim(0), channels = x.dim(1);
  const int64_t spatial = x.numel() / (batch * channels);
  const int64_t cpg = channels / groups;
  Tensor y = Tensor::empty(x.shape());
  const float* in = x.f32();
  float* out = y.f32();
  const float* g = gamma.f32();
  const float* bt = beta.f32();
  pool_->parallel_for(batch * groups, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i) {
      int64_t n = i / groups, grp = i % groups;
      const float* src = in + (n * channels + grp * cpg) * spatial;
      float* dst = out + (n * channels + grp * cpg) * spatial;
      int64_t count = cpg * spatial;
      double sum = 0, sq = 0;
      for (int64_t j = 0; j < count; ++j) sum += src[j];
      double mean = sum / count;
      for (int64_t j = 0; j < count; ++j) {
        double d = src[j] - mean;
        sq += d * d;
      }
      float inv = static_cast<float>(1.0 / std::sqrt(sq / count + eps));
      float fmean = static_cast<float>(mean);
      for (int64_t c = 0; c < cpg; ++c) {
        float scale = inv * g[grp * cpg + c];
        float shift = bt[grp * cpg + c] - fmean * scale;
        const float* s = src + c * spatial;
        float* d = dst + c * spatial;
        for (int64_t j = 0; j < spatial; ++j) {
          float v = s[j] * scale + shift;
          d[j] = silu ? fast::silu(v) : v;
        }
      }
    }
  });
  return y;
}

Tensor CpuBackend::layer_norm(const Tensor& x, const Tensor& gamma, const Tensor* beta, float eps) {
  Scope scope_(*this, "layer_norm", 0);
  const int64_t c = x.dim(-1), rows = x.numel() / c;
  check(gamma.numel() == c, ErrorCode::InvalidArgument, "layer_norm: gamma size vs " + shape_str(x.shape()));
  Tensor y = Tensor::empty(x.shape());
  const float* in = x.f32();
  float* out = y.f32();
  const float* g = gamma.f32();
  const float* bt = beta ? beta->f32() : nullptr;
  pool_->parallel_for(
      rows,
      [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
          const float* s = in + r * c;
          float* d = out + r * c;
          double sum = 0, sq = 0;
          for (int64_t j = 0; j < c; ++j) sum += s[j];
          double mean = sum / c;
          for (int64_t j = 0; j < c; ++j) sq += (s[j] - mean) * (s[j] - mean);
          double inv = 1.0 / std::sqrt(sq / c + eps);
          for (int64_t j = 0; j < c; ++j)
            d[j] = static_cast<float>((s[j] - mean) * inv) * g[j] + (bt ? bt[j] : 0.0f);
        }
      },
      16);
  return y;
}

}  // namespace gpuq
