#include "full_size_diff.h"

#include <sys/resource.h>

#include <algorithm>
#include <cmath>

#include "util/error.h"

namespace gpuq {

double seconds_since(FullSizeClock::time_point t) {
  return std::chrono::duration<double>(FullSizeClock::now() - t).count();
}

double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

OutputDifference output_difference(const Tensor& out, const Tensor& expected, const std::string& what) {
  check(out.shape() == expected.shape(), ErrorCode::InvalidArgument,
        what + ": engine output " + shape_str(out.shape()) + " vs reference " + shape_str(expected.shape()));
  OutputDifference d;
  double sum_sq = 0, ref_sq = 0;
  for (int64_t i = 0; i < out.numel(); ++i) {
    const double e = out.f32()[i], r = expected.f32()[i], diff = std::fabs(e - r);
    check(std::isfinite(e), ErrorCode::InvalidArgument, what + ": engine output not finite at " + std::to_string(i));
    d.max_abs = std::max(d.max_abs, diff);
    d.max_ref = std::max(d.max_ref, std::fabs(r));
    sum_sq += diff * diff;
    ref_sq += r * r;
  }
  d.rms_rel = std::sqrt(sum_sq / std::max(ref_sq, 1e-30));
  return d;
}

}  // namespace gpuq
