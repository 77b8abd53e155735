#include "models/clip_vision.h"

#include <cstring>

#include "util/error.h"

namespace gpuq {

ClipVisionConfig ClipVisionConfig::from_json(const json::Value& cfg) {
  ClipVisionConfig c;
  c.layers = ClipConfig::from_json(cfg);
  c.image_size = cfg.int_or("image_size", 224);
  c.patch = cfg.int_or("patch_size", 32);
  c.channels = cfg.int_or("num_channels", 3);
  check(c.patch > 0 && c.image_size % c.patch == 0 && c.channels == 3, ErrorCode::BadFormat,
        "CLIP vision config: image_size must be a multiple of patch_size, num_channels 3");
  check(c.layers.layers >= 2, ErrorCode::Unsupported, "CLIP vision: the penultimate hidden state needs 2+ layers");
  return c;
}

ClipVisionEncoder::ClipVisionEncoder(Weights weights, Backend& backend)
    : weights_(std::move(weights)), be_(backend), cfg_(ClipVisionConfig::from_json(weights_.config())) {}

Tensor ClipVisionEncoder::embeddings(const Tensor& pixels) const {
  const int64_t b = pixels.dim(0), hid = cfg_.layers.hidden, n = cfg_.tokens();
  Tensor patches = be_.conv2d(pixels, weights_.get("vision_model.embeddings.patch_embedding.weight"),
                              weights_.find("vision_model.embeddings.patch_embedding.bias"),
                              static_cast<int>(cfg_.patch), 0);
  patches = be_.nchw_to_nlc(patches);  // [B, grid², hidden], patches in row-major order
  // The class token in front of every row, then the position embedding of each index.
  Tensor cls = be_.download(weights_.get("vision_model.embeddings.class_embedding")).to_f32();
  check(cls.numel() == hid, ErrorCode::BadFormat, "CLIP vision: class_embedding size");
  Tensor rows = Tensor::empty({b, 1, hid});
  for (int64_t i = 0; i < b; ++i) std::memcpy(rows.f32() + i * hid, cls.f32(), static_cast<size_t>(hid) * 4);
  Tensor x = be_.concat(be_.upload(rows), patches, 1);
  std::vector<int64_t> positions(static_cast<size_t>(b * n));
  for (int64_t i = 0; i < b * n; ++i) positions[i] = i % n;
  x = be_.add(x, be_.embedding(weights_.get("vision_model.embeddings.position_embedding.weight"), positions)
                     .reshape({b, n, hid}));
  return be_.layer_norm(x, weights_.get("vision_model.pre_layrnorm.weight"),
                        weights_.find("vision_model.pre_layrnorm.bias"), cfg_.layers.eps);
}

std::vector<Tensor> ClipVisionEncoder::hidden_states(const Tensor& pixels_in, int64_t upto) const {
  check(pixels_in.ndim() == 4 && pixels_in.dim(1) == 3 && pixels_in.dim(2) == cfg_.image_size &&
            pixels_in.dim(3) == cfg_.image_size,
        ErrorCode::InvalidArgument,
        "CLIP vision: pixel values " + shape_str(pixels_in.shape()) + ", expected [B, 3, " +
            std::to_string(cfg_.image_size) + ", " + std::to_string(cfg_.image_size) + "]");
  check(upto >= 0 && upto <= cfg_.layers.layers, ErrorCode::InvalidArgument, "CLIP vision: layer count");
  std::vector<Tensor> out{embeddings(be_.upload(pixels_in))};
  for (int64_t i = 0; i < upto; ++i)
    out.push_back(clip_encoder_layer(be_, weights_, "vision_model.encoder.layers." + std::to_string(i) + ".",
                                     cfg_.layers, out.back(), /*causal=*/false));
  return out;
}

Tensor ClipVisionEncoder::penultimate(const Tensor& pixels) const {
  return hidden_states(pixels, cfg_.layers.layers - 1).back();
}

}  // namespace gpuq
