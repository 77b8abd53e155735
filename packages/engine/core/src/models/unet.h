// UNet2DConditionModel forward (diffusers), for any block layout its config.json expresses.
// Inputs: sample [B, C, H, W] (H, W divisible by 2^downsamples), one timestep broadcast over the
// batch or one per item, encoder_hidden_states [B, L, D], and for SDXL ("text_time") text_embeds
// [B, P] and time_ids [B, 6]. Output: the prediction [B, out_channels, H, W].
// Activations are released as soon as their last consumer ran (skip connections are popped).
#pragma once

#include <vector>

#include "models/blocks.h"
#include "models/unet_config.h"

namespace gpuq {

struct UNetInputs {
  Tensor sample;
  std::vector<float> timesteps;
  Tensor encoder_hidden_states;
  Tensor text_embeds;
  Tensor time_ids;
  // Optional: reuse cross-attention keys/values across calls with the same encoder_hidden_states.
  CrossAttentionCache* kv_cache = nullptr;
};

class UNet {
 public:
  UNet(Weights weights, Backend& backend);
  const UNetConfig& config() const { return cfg_; }
  const Weights& weights() const { return weights_; }

  // Throws InvalidArgument on inconsistent shapes. `trace` receives the intermediates named as in
  // the fixtures (time_proj, emb, down_blocks.i.*, module.<name>, ...).
  Tensor forward(const UNetInputs& in, Trace* trace = nullptr) const;

 private:
  Tensor time_embedding(const UNetInputs& in, const BlockContext& c) const;

  Weights weights_;
  Backend& be_;
  UNetConfig cfg_;
};

}  // namespace gpuq
