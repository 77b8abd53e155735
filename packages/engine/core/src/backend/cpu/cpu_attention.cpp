// Attention on the CPU: per (batch, head), scores = q kᵀ (sgemm on strided head slices, no
// repacking), a row softmax, then scores · v written straight into the packed output. Heads run
// side by side on the pool, each with single-threaded products and its own score buffer, which
// keeps small heads (SDXL at low resolution, the tiny test models) from paying for threading.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/fast_math.h"
#include "backend/cpu/gemm.h"
#include "util/error.h"

namespace gpuq {

namespace {

void softmax_rows(float* scores, int64_t rows, int64_t cols) {
  for (int64_t r = 0; r < rows; ++r) {
    float* row = scores + r * cols;
    const int64_t valid = cols;
    float mx = -std::numeric_limits<float>::infinity();
    for (int64_t j = 0; j < valid; ++j) mx = std::max(mx, row[j]);
    for (int64_t j = 0; j < valid; ++j) row[j] = fast::exp(row[j] - mx);
    double sum = 0;
    for (int64_t j = 0; j < valid; ++j) sum += row[j];
    const float inv = static_cast<float>(1.0 / sum);
    for (int64_t j = 0; j < valid; ++j) row[j] *= inv;
  }
}

}  // namespace

Tensor CpuBackend::attention(const Tensor& q, const Tensor& k, const Tensor& v, int heads, float scale,
                             bool causal) {
  Scope scope_(*this, "attention", 4.0 * static_cast<double>(q.numel()) * static_cast<double>(k.dim(1)));
  check(q.ndim() == 3 && k.ndim() == 3 && v.ndim() == 3 && q.dim(0) == k.dim(0) && k.dim(1) == v.dim(1) &&
            q.dim(2) == k.dim(2) && k.dim(2) == v.dim(2) && q.dim(2) % heads == 0,
        ErrorCode::InvalidArgument,
        "attention: q " + shape_str(q.shape()) + ", k " + shape_str(k.shape()) + ", v " + shape_str(v.shape()));
  const int64_t batch = q.dim(0), lq = q.dim(1), lk = k.dim(1), width = q.dim(2), d = width / heads;
  Tensor out = Tensor::empty(q.shape());
  const int64_t pairs = batch * heads;
  // Query rows per task: whole heads when there are enough of them to share out, otherwise
  // blocks of rows so both threads stay busy on a single long head. The score block stays
  // below ~8 MiB per thread.
  int64_t block = lq;
  if (pairs < 2 * pool_->size()) block = std::max<int64_t>(16, (lq + 2 * pool_->size() - 1) / (2 * pool_->size()));
  block = std::min(block, std::max<int64_t>(16, (int64_t{2} << 20) / std::max<int64_t>(1, lk)));
  const int64_t blocks_per_head = (lq + block - 1) / block;
  pool_->parallel_for(pairs * blocks_per_head, [&](int64_t t0, int64_t t1) {
    std::vector<float> scores(static_cast<size_t>(block * lk));
    for (int64_t t = t0; t < t1; ++t) {
      const int64_t pair = t / blocks_per_head, r0 = (t % blocks_per_head) * block;
      const int64_t rows = std::min(block, lq - r0);
      const int64_t b = pair / heads, h = pair % heads;
      const float* qp = q.f32() + (b * lq + r0) * width + h * d;
      const float* kp = k.f32() + b * lk * width + h * d;
      const float* vp = v.f32() + b * lk * width + h * d;
      float* op = out.f32() + (b * lq + r0) * width + h * d;
      sgemm_serial(false, true, rows, lk, d, scale, qp, width, kp, width, 0.0f, scores.data(), lk);
      if (causal) {
        // Row r of this block is query r0 + r: shift the causal limit by the block offset.
        for (int64_t r = 0; r < rows; ++r) {
          float* row = scores.data() + r * lk;
          const int64_t valid = std::min(lk, r0 + r + 1);
          softmax_rows(row, 1, valid);
          for (int64_t j = valid; j < lk; ++j) row[j] = 0.0f;
        }
      } else {
        softmax_rows(scores.data(), rows, lk);
      }
      sgemm_serial(false, false, rows, d, lk, 1.0f, scores.data(), lk, vp, width, 0.0f, op, width);
    }
  });
  return out;
}

// Attention with an additive score bias (UMT5's relative positions plus its padding mask): the same
// per-head products, with the bias added before each row's softmax.
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

}  // namespace gpuq
