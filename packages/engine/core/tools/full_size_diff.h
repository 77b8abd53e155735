// What the full-size checks against diffusers (full_size_check.cpp, full_size_wan.cpp) share: the
// tolerance, wall time, the process's peak RSS, and how an engine output differs from diffusers'.
#pragma once

#include <chrono>
#include <string>

#include "tensor/tensor.h"

namespace gpuq {

// Both sides run fp32 with different summation orders (the SDXL UNet through ~70 transformer
// blocks, WAN through 30). The tiny SDXL fixture's noise_pred differs from a float64 rerun by
// 1.2e-6 at max |x| 1.3 (its manifest), so 1e-4 relative leaves room for the deeper models while
// any layer mistake moves the output by O(1).
constexpr double kRelativeTolerance = 1e-4;

using FullSizeClock = std::chrono::steady_clock;
double seconds_since(FullSizeClock::time_point t);
double peak_rss_mib();

struct OutputDifference {
  double max_abs = 0, max_ref = 0, rms_rel = 0;
  bool within_tolerance() const { return max_abs <= kRelativeTolerance * max_ref; }
};

// Throws InvalidArgument naming `what` when the shapes differ or the engine's output is not finite.
OutputDifference output_difference(const Tensor& out, const Tensor& expected, const std::string& what);

}  // namespace gpuq
