// Attention on the CPU: per (batch, head), scores = q kᵀ (sgemm on strided head slices, no
// repacking), a row softmax, then scores · v written straight into the packed output.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/gemm.h"
#include "util/error.h"

namespace gpuq {

Tensor CpuBackend::attention(const Tensor& q, const Tensor& k, const Tensor& v, int heads, float scale,
                             bool causal) {
  Scope scope_(*this, "attention", 4.0 * static_cast<double>(q.numel()) * static_cast<double>(k.dim(1)));
  check(q.ndim() == 3 && k.ndim() == 3 && v.ndim() == 3 && q.dim(0) == k.dim(0) && k.dim(1) == v.dim(1) &&
            q.dim(2) == k.dim(2) && k.dim(2) == v.dim(2) && q.dim(2) % heads == 0,
        ErrorCode::InvalidArgument,
        "attention: q " + shape_str(q.shape()) + ", k " + shape_str(k.shape()) + ", v " + shape_str(v.shape()));
  const int64_t batch = q.dim(0), lq = q.dim(1), lk = k.dim(1), width = q.dim(2), d = width / heads;
  Tensor out = Tensor::empty(q.shape());
  std::vector<float> scores(static_cast<size_t>(lq * lk));
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t h = 0; h < heads; ++h) {
      const float* qp = q.f32() + b * lq * width + h * d;
      const float* kp = k.f32() + b * lk * width + h * d;
      const float* vp = v.f32() + b * lk * width + h * d;
      float* op = out.f32() + b * lq * width + h * d;
      sgemm(false, true, lq, lk, d, scale, qp, width, kp, width, 0.0f, scores.data(), lk, *pool_);
      pool_->parallel_for(
          lq,
          [&](int64_t r0, int64_t r1) {
            for (int64_t r = r0; r < r1; ++r) {
              float* row = scores.data() + r * lk;
              int64_t valid = causal ? std::min(lk, r + 1) : lk;
              float mx = -std::numeric_limits<float>::infinity();
              for (int64_t j = 0; j < valid; ++j) mx = std::max(mx, row[j]);
              double sum = 0;
              for (int64_t j = 0; j < valid; ++j) {
                row[j] = std::exp(row[j] - mx);
                sum += row[j];
              }
              float inv = static_cast<float>(1.0 / sum);
              for (int64_t j = 0; j < valid; ++j) row[j] *= inv;
              for (int64_t j = valid; j < lk; ++j) row[j] = 0.0f;
            }
          },
          8);
      sgemm(false, false, lq, d, lk, 1.0f, scores.data(), lk, vp, width, 0.0f, op, width, *pool_);
    }
  }
  return out;
}

}  // namespace gpuq
