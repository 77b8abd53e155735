#include "pipeline/image.h"

#include <algorithm>
#include <cmath>

#include "util/error.h"

namespace gpuq {

Tensor latents_to_vae_input(const Tensor& latents, const VaeConfig& cfg) {
  Tensor in = latents.to_f32();
  Tensor out = Tensor::empty(in.shape());
  const int64_t b = in.dim(0), c = in.dim(1), hw = in.dim(2) * in.dim(3);
  if (cfg.has_latents_stats)
    check(static_cast<int64_t>(cfg.latents_mean.size()) == c && static_cast<int64_t>(cfg.latents_std.size()) == c,
          ErrorCode::BadFormat, "VAE latents_mean/std do not match the latent channels");
  for (int64_t n = 0; n < b; ++n)
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t i = 0; i < hw; ++i) {
        int64_t k = (n * c + ch) * hw + i;
        float v = in.f32()[k];
        out.f32()[k] = cfg.has_latents_stats ? v * cfg.latents_std[ch] / cfg.scaling_factor + cfg.latents_mean[ch]
                                             : v / cfg.scaling_factor;
      }
  return out;
}

Tensor image_to_nhwc01(const Tensor& image) {
  Tensor in = image.to_f32();
  const int64_t b = in.dim(0), c = in.dim(1), h = in.dim(2), w = in.dim(3);
  Tensor out = Tensor::empty({b, h, w, c});
  for (int64_t n = 0; n < b; ++n)
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t i = 0; i < h * w; ++i) {
        float v = in.f32()[(n * c + ch) * h * w + i] / 2.0f + 0.5f;
        out.f32()[(n * h * w + i) * c + ch] = std::min(1.0f, std::max(0.0f, v));
      }
  return out;
}

Tensor nhwc01_to_u8(const Tensor& nhwc) {
  Tensor in = nhwc.to_f32();
  Tensor out = Tensor::empty(in.shape(), DType::U8);
  for (int64_t i = 0; i < in.numel(); ++i) {
    float v = std::nearbyint(in.f32()[i] * 255.0f);  // default rounding mode: half to even
    out.u8()[i] = static_cast<uint8_t>(std::min(255.0f, std::max(0.0f, v)));
  }
  return out;
}

}  // namespace gpuq
