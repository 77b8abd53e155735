// Helpers for the CUDA tests: the CUDA backend or exit(77) with the reason (no CUDA in this build,
// no driver, no device), and error measures for comparing CUDA results with the CPU backend.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "backend/backend.h"
#include "util/error.h"

namespace gpuq::test {

inline std::shared_ptr<Backend> cuda_or_skip(const char* test) {
  try {
    return make_backend("cuda", 1);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::Unsupported) throw;
    std::fprintf(stderr, "\n*** SKIPPED %s: %s ***\n\n", test, e.what());
    std::exit(77);
  }
}

// ‖a − b‖₂ / ‖b‖₂ over all elements (b the reference); infinite on a shape mismatch or a NaN.
inline double rel_l2(const Tensor& a, const Tensor& b) {
  if (a.shape() != b.shape()) return INFINITY;
  double num = 0, den = 0;
  for (int64_t i = 0; i < a.numel(); ++i) {
    double d = double(a.f32()[i]) - b.f32()[i];
    if (std::isnan(d)) return INFINITY;
    num += d * d;
    den += double(b.f32()[i]) * b.f32()[i];
  }
  return std::sqrt(num / std::max(den, 1e-300));
}

// max |a − b| / max |b|: catches a single wrong element that rel_l2 would average away.
inline double rel_max(const Tensor& a, const Tensor& b) {
  if (a.shape() != b.shape()) return INFINITY;
  double m = 0, r = 0;
  for (int64_t i = 0; i < a.numel(); ++i) {
    double d = std::fabs(double(a.f32()[i]) - b.f32()[i]);
    if (std::isnan(d)) return INFINITY;
    m = std::max(m, d);
    r = std::max(r, std::fabs(double(b.f32()[i])));
  }
  return m / std::max(r, 1e-30);
}

}  // namespace gpuq::test
