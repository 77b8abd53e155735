// UNet2DConditionModel's config.json turned into an explicit plan: one entry per down / up block
// with its channels, layer counts, attention heads and resampling, following diffusers' rules for
// deriving them (reversed lists for the up path, scalars broadcast, `num_attention_heads` falling
// back to `attention_head_dim`). Any block layout the config expresses is accepted; unsupported
// options (class embeddings, other addition embeddings...) raise Error(Unsupported).
#pragma once

#include <string>
#include <vector>

#include "util/json.h"

namespace gpuq {

struct UNetBlockPlan {
  bool cross_attention = false;     // CrossAttn{Down,Up}Block2D vs {Down,Up}Block2D
  int64_t in_channels = 0;          // down: input; up: the skip channels of the last resnet
  int64_t out_channels = 0;
  int64_t prev_out_channels = 0;    // up blocks: channels arriving from below
  int64_t layers = 0;               // resnets in the block
  int64_t heads = 0;
  int64_t transformer_layers = 1;
  int64_t cross_attention_dim = 0;
  bool resample = false;            // downsampler / upsampler after the block
};

struct UNetConfig {
  int64_t in_channels = 4, out_channels = 4;
  std::vector<int64_t> block_out_channels;
  int64_t norm_groups = 32;
  float norm_eps = 1e-5f;
  bool flip_sin_to_cos = true;
  float freq_shift = 0;
  int64_t time_embed_dim = 0;
  bool use_linear_projection = false;
  int64_t conv_in_kernel = 3, conv_out_kernel = 3;
  float mid_block_scale_factor = 1, resnet_out_scale_factor = 1;
  // addition_embed_type "text_time" (SDXL): time ids sinusoids of this width
  bool text_time = false;
  int64_t addition_time_embed_dim = 0;
  bool has_mid_block = true;
  UNetBlockPlan mid;
  std::vector<UNetBlockPlan> down, up;

  static UNetConfig from_json(const json::Value& cfg);
  // Number of factor-2 resamplings: latent sides must be divisible by 2^this.
  int64_t downsample_count() const;
};

}  // namespace gpuq
