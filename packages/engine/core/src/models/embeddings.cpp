#include "models/embeddings.h"

#include <cmath>

namespace gpuq {

Tensor timestep_sinusoids(const std::vector<float>& values, int64_t dim, bool flip, float shift, float max_period) {
  const int64_t half = dim / 2, n = static_cast<int64_t>(values.size());
  std::vector<float> freq(static_cast<size_t>(half));
  const float neg_log = static_cast<float>(-std::log(static_cast<double>(max_period)));
  for (int64_t i = 0; i < half; ++i) {
    float e = neg_log * static_cast<float>(i);
    e = e / (static_cast<float>(half) - shift);
    freq[i] = static_cast<float>(std::exp(static_cast<double>(e)));
  }
  Tensor out = Tensor::zeros({n, dim});
  for (int64_t r = 0; r < n; ++r) {
    float* row = out.f32() + r * dim;
    for (int64_t i = 0; i < half; ++i) {
      float arg = values[r] * freq[i];  // float32 product, as torch computes it
      float s = static_cast<float>(std::sin(static_cast<double>(arg)));
      float c = static_cast<float>(std::cos(static_cast<double>(arg)));
      row[flip ? half + i : i] = s;
      row[flip ? i : half + i] = c;
    }
  }
  return out;
}

Tensor timestep_mlp(Backend& be, const Weights& w, const std::string& prefix, const Tensor& x) {
  Tensor h = be.linear(x, w.get(prefix + ".linear_1.weight"), w.find(prefix + ".linear_1.bias"));
  h = be.activation(h, Activation::SiLU);
  return be.linear(h, w.get(prefix + ".linear_2.weight"), w.find(prefix + ".linear_2.bias"));
}

}  // namespace gpuq
