#include "pipeline/image_resample.h"

#include <algorithm>
#include <cmath>

#include "util/error.h"

namespace gpuq {

namespace {

constexpr double kPi = 3.14159265358979323846;

double sinc(double x) {
  if (x == 0.0) return 1.0;
  x *= kPi;
  return std::sin(x) / x;
}

// Pillow's filters: bicubic with a = -0.5 (support 2), Lanczos-3 (support 3).
double filter_value(ResampleFilter f, double x) {
  if (f == ResampleFilter::Lanczos) return (x > -3.0 && x < 3.0) ? sinc(x) * sinc(x / 3.0) : 0.0;
  const double a = -0.5;
  x = std::fabs(x);
  if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0;
  if (x < 2.0) return (((x - 5.0) * x + 8.0) * x - 4.0) * a;
  return 0.0;
}

double filter_support(ResampleFilter f) { return f == ResampleFilter::Lanczos ? 3.0 : 2.0; }

struct Taps {
  std::vector<int64_t> first;  // first input index per output index
  std::vector<std::vector<double>> w;
};

// Per output pixel: the input window and its normalised weights (Pillow's precompute_coeffs).
Taps taps(int64_t in, int64_t out, ResampleFilter f) {
  const double scale = static_cast<double>(in) / static_cast<double>(out);
  const double fscale = std::max(scale, 1.0), support = filter_support(f) * fscale;
  Taps t;
  for (int64_t o = 0; o < out; ++o) {
    const double center = (static_cast<double>(o) + 0.5) * scale;
    const int64_t lo = std::max<int64_t>(static_cast<int64_t>(center - support + 0.5), 0);
    const int64_t hi = std::min<int64_t>(static_cast<int64_t>(center + support + 0.5), in);
    std::vector<double> w;
    double sum = 0;
    for (int64_t i = lo; i < hi; ++i) {
      w.push_back(filter_value(f, (static_cast<double>(i) - center + 0.5) / fscale));
      sum += w.back();
    }
    for (double& v : w) v = sum != 0.0 ? v / sum : 0.0;
    t.first.push_back(lo);
    t.w.push_back(std::move(w));
  }
  return t;
}

uint8_t clip8(double v) { return static_cast<uint8_t>(std::min(255.0, std::max(0.0, std::floor(v + 0.5)))); }

// One pass along x (stride 3 between pixels of a row) or y.
std::vector<uint8_t> pass(const std::vector<uint8_t>& src, int64_t w, int64_t h, int64_t out, bool horizontal,
                          ResampleFilter f) {
  const Taps t = taps(horizontal ? w : h, out, f);
  const int64_t ow = horizontal ? out : w, oh = horizontal ? h : out;
  std::vector<uint8_t> dst(static_cast<size_t>(ow * oh * 3));
  for (int64_t y = 0; y < oh; ++y)
    for (int64_t x = 0; x < ow; ++x)
      for (int64_t c = 0; c < 3; ++c) {
        const int64_t o = horizontal ? x : y;
        double acc = 0;
        for (size_t k = 0; k < t.w[o].size(); ++k) {
          const int64_t i = t.first[o] + static_cast<int64_t>(k);
          acc += t.w[o][k] * src[((horizontal ? y * w + i : i * w + x) * 3) + c];
        }
        dst[(y * ow + x) * 3 + c] = clip8(acc);
      }
  return dst;
}

}  // namespace

std::vector<uint8_t> resize_rgb(const std::vector<uint8_t>& rgb, int64_t width, int64_t height, int64_t out_w,
                                int64_t out_h, ResampleFilter filter) {
  check(width > 0 && height > 0 && out_w > 0 && out_h > 0, ErrorCode::InvalidArgument, "resize: empty image size");
  check(static_cast<int64_t>(rgb.size()) == width * height * 3, ErrorCode::InvalidArgument,
        "resize: expected " + std::to_string(width * height * 3) + " RGB bytes, got " + std::to_string(rgb.size()));
  std::vector<uint8_t> x = rgb;
  if (out_w != width) x = pass(x, width, height, out_w, true, filter);
  if (out_h != height) x = pass(x, out_w, height, out_h, false, filter);
  return x;
}

}  // namespace gpuq
