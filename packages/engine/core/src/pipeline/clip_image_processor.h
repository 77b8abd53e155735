// CLIPImageProcessor (transformers), driven by image_processor/preprocessor_config.json: how
// WanImageToVideoPipeline turns the conditioning image into the CLIP vision encoder's pixel
// values. Resize so the shortest edge is size.shortest_edge (the long edge int(s * long / short);
// or to size.height x size.width), Pillow resampling (3 = bicubic, the CLIP default; 1 = Lanczos),
// center crop to crop_size (top = (h - ch) // 2, left = (w - cw) // 2), rescale (1/255) and
// normalise with image_mean / image_std, channels first.
// Input: 8-bit RGB, row-major. Output: [1, 3, crop_h, crop_w] float32.
// Errors: BadFormat for configs it cannot follow; InvalidArgument on the image.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "pipeline/image_resample.h"
#include "tensor/tensor.h"
#include "util/json.h"

namespace gpuq {

struct ClipImageProcessorConfig {
  bool do_resize = true, do_center_crop = true, do_rescale = true, do_normalize = true;
  int64_t shortest_edge = 224, resize_h = 0, resize_w = 0;  // resize_h / _w > 0: a fixed size
  int64_t crop_h = 224, crop_w = 224;
  ResampleFilter resample = ResampleFilter::Bicubic;
  double rescale_factor = 1.0 / 255.0;
  std::array<float, 3> mean{0.48145466f, 0.4578275f, 0.40821073f}, std{0.26862954f, 0.26130258f, 0.27577711f};
  static ClipImageProcessorConfig from_json(const json::Value& cfg);
};

Tensor clip_preprocess(const ClipImageProcessorConfig& cfg, const std::vector<uint8_t>& rgb, int64_t width,
                       int64_t height);

}  // namespace gpuq
