// The parameter list (checkpoint name and shape) each model has for a given config, following
// the diffusers / transformers module layouts. Used to generate random-weight checkpoints (the
// demo's tiny model, the full-size benchmark UNet) and checked against real checkpoints' lists.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "models/clip.h"
#include "models/unet_config.h"
#include "models/vae.h"

namespace gpuq {

using ParamSpecs = std::vector<std::pair<std::string, Shape>>;

// cross_attention_dim comes from the plan; projection_class_embeddings_input_dim from the config.
ParamSpecs unet_param_specs(const UNetConfig& cfg, int64_t projection_input_dim);
// Encoder (for diffusers compatibility; the engine only runs the decoder) and decoder.
ParamSpecs vae_param_specs(const VaeConfig& cfg, int64_t in_channels, const std::vector<std::string>& down_types);
ParamSpecs clip_param_specs(const ClipConfig& cfg, int64_t projection_dim /* 0 = none */);

}  // namespace gpuq
