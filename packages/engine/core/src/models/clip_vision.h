// CLIP vision tower (transformers CLIPVisionModel), driven by image_encoder/config.json: the
// image encoder of WAN 2.1 image-to-video (ViT-H/14, 257 tokens). Patch embedding (a bias-free
// conv with stride = patch), the class token in front, learned position embeddings, pre_layrnorm,
// then the same encoder layers as the CLIP text encoder without the causal mask (one shared
// function, clip_encoder_layer, checked against the text fixtures). post_layernorm is not applied:
// WanImageToVideoPipeline takes hidden_states[-2], the output of the penultimate layer.
// Input: pixel values [B, 3, image_size, image_size] (CLIPImageProcessor's output). Output:
// hidden states [B, 1 + (image_size / patch)^2, hidden].
// Errors: InvalidArgument on the input shape; BadFormat when the config is incomplete.
#pragma once

#include <vector>

#include "models/clip.h"

namespace gpuq {

struct ClipVisionConfig {
  ClipConfig layers;  // hidden, layers, heads, intermediate, eps, act
  int64_t image_size = 224, patch = 14, channels = 3;
  int64_t grid() const { return image_size / patch; }
  int64_t tokens() const { return 1 + grid() * grid(); }
  static ClipVisionConfig from_json(const json::Value& cfg);
};

class ClipVisionEncoder {
 public:
  ClipVisionEncoder(Weights weights, Backend& backend);
  const ClipVisionConfig& config() const { return cfg_; }

  // hidden_states[0..upto]: [0] the embeddings after pre_layrnorm, [i] the output of layer i - 1
  // (upto <= layers). Each [B, tokens, hidden] on the backend.
  std::vector<Tensor> hidden_states(const Tensor& pixels, int64_t upto) const;
  // hidden_states[-2] (layers - 1 layers run), as the I2V pipeline's encode_image returns it.
  Tensor penultimate(const Tensor& pixels) const;

 private:
  Tensor embeddings(const Tensor& pixels) const;

  Weights weights_;
  Backend& be_;
  ClipVisionConfig cfg_;
};

}  // namespace gpuq
