// Conversions at the VAE boundary, as the SDXL pipeline does them: latents to the decoder's
// input, and the decoded image to float NHWC in [0, 1] and to 8-bit RGB.
#pragma once

#include "models/vae.h"

namespace gpuq {

// latents / scaling_factor, or latents * std / scaling_factor + mean when the VAE config has
// latents_mean / latents_std. [B, C, h, w] -> same shape.
Tensor latents_to_vae_input(const Tensor& latents, const VaeConfig& cfg);

// clamp(x / 2 + 0.5, 0, 1), NCHW -> NHWC (VaeImageProcessor.postprocess, output_type "np").
Tensor image_to_nhwc01(const Tensor& image);

// round(x * 255) (half to even, as numpy rounds) as uint8, same shape.
Tensor nhwc01_to_u8(const Tensor& nhwc);

}  // namespace gpuq
