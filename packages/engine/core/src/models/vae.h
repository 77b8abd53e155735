// AutoencoderKL decoder (diffusers), driven by the vae/config.json: post_quant_conv, conv_in,
// mid block (resnet, single-head self-attention, resnet), UpDecoderBlock2Ds, norm, SiLU, conv_out.
// Input: z [B, latent_channels, h, w] (already divided by scaling_factor). Output: the image
// [B, out_channels, h * 2^(blocks-1), w * 2^(blocks-1)], nominally in [-1, 1], not clamped.
#pragma once

#include "models/blocks.h"

namespace gpuq {

struct VaeConfig {
  std::vector<int64_t> block_out_channels;
  int64_t latent_channels = 4, out_channels = 3, layers_per_block = 1, norm_groups = 32;
  float scaling_factor = 0.18215f;
  bool has_shift = false;
  float shift_factor = 0;
  bool use_post_quant_conv = true, mid_attention = true;
  bool has_latents_stats = false;
  std::vector<float> latents_mean, latents_std;
  static VaeConfig from_json(const json::Value& cfg);
  int64_t scale_factor() const { return int64_t{1} << (block_out_channels.size() - 1); }
};

class VaeDecoder {
 public:
  VaeDecoder(Weights weights, Backend& backend);
  const VaeConfig& config() const { return cfg_; }
  // Trace names: post_quant_conv, decoder.conv_in, decoder.mid_block, decoder.up_blocks.i,
  // decoder.conv_norm_out, module.decoder.<module> for each resnet / attention / upsampler.
  Tensor decode(const Tensor& z, Trace* trace = nullptr) const;

 private:
  Weights weights_;
  Backend& be_;
  VaeConfig cfg_;
};

}  // namespace gpuq
