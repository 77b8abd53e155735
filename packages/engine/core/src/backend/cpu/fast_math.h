// Branch-free float exp and erf that the compiler vectorises (libm's scalar calls dominated the
// elementwise ops: GEGLU's erf alone was 4% of an SDXL step). Accuracy: exp within ~2 ulp on
// [-87, 88] (clamped outside); erf absolute error < 5e-7 (Abramowitz-Stegun 7.1.26 in float). Both sit far
// below the fp32-vs-fp64 gaps the fixture tolerances were derived from.
#pragma once

#include <cstdint>
#include <cstring>

namespace gpuq::fast {

inline float exp(float x) {
  x = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
  // x = k ln2 + r, |r| <= ln2/2; ln2 split in two parts so k*ln2 is exact enough.
  // Round to nearest by the 1.5 * 2^23 trick: plain adds, so the loop vectorises.
  const float kf = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  const float r = (x - kf * 0.693359375f) + kf * 2.12194440e-4f;
  // Cephes expf polynomial for e^r on the reduced range.
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  const int32_t k = static_cast<int32_t>(kf);
  const int32_t bits = (k + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, 4);
  return p * scale;
}

inline float erf(float x) {
  const float sign = x < 0 ? -1.0f : 1.0f;
  const float a = x < 0 ? -x : x;
  const float t = 1.0f / (1.0f + 0.3275911f * a);
  float y = 1.061405429f;
  y = y * t - 1.453152027f;
  y = y * t + 1.421413741f;
  y = y * t - 0.284496736f;
  y = y * t + 0.254829592f;
  y = 1.0f - y * t * exp(-a * a);
  return sign * y;
}

inline float silu(float v) { return v / (1.0f + exp(-v)); }
inline float gelu_erf(float v) { return 0.5f * v * (1.0f + erf(v * 0.70710678118654752440f)); }

}  // namespace gpuq::fast
