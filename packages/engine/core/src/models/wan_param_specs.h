// The parameter lists (checkpoint name and shape) of the WAN 2.1 components for a given config,
// following the diffusers / transformers module layouts: WanTransformer3DModel (text- and
// image-to-video), AutoencoderKLWan (encoder and decoder), UMT5EncoderModel and the CLIP vision
// tower of the image-to-video checkpoints. Checked against checkpoints before they load.
#pragma once

#include "models/clip_vision.h"
#include "models/param_specs.h"
#include "models/umt5.h"
#include "models/wan_transformer.h"
#include "models/wan_vae.h"

namespace gpuq {

ParamSpecs wan_transformer_param_specs(const WanTransformerConfig& cfg);
ParamSpecs wan_vae_param_specs(const WanVaeConfig& cfg);
ParamSpecs umt5_param_specs(const Umt5Config& cfg);
// projection_dim > 0 adds CLIPVisionModelWithProjection's visual_projection.
ParamSpecs clip_vision_param_specs(const ClipVisionConfig& cfg, int64_t projection_dim);

}  // namespace gpuq
