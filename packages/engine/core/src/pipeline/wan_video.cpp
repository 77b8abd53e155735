#include "pipeline/wan_video.h"

#include <algorithm>

#include "util/error.h"

namespace gpuq {

Tensor video_to_frames01(const Tensor& video_in) {
  Tensor v = video_in.to_f32();
  check(v.ndim() == 5, ErrorCode::InvalidArgument, "video: expected [B, C, F, H, W], got " + shape_str(v.shape()));
  const int64_t b = v.dim(0), c = v.dim(1), f = v.dim(2), h = v.dim(3), w = v.dim(4);
  Tensor out = Tensor::empty({b, f, h, w, c});
  for (int64_t n = 0; n < b; ++n)
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t k = 0; k < f * h * w; ++k) {
        const float x = v.f32()[(n * c + ch) * f * h * w + k];
        out.f32()[(n * f * h * w + k) * c + ch] = std::min(1.0f, std::max(0.0f, x / 2.0f + 0.5f));
      }
  return out;
}

}  // namespace gpuq
