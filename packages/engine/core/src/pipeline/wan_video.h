// Conversions at the WAN VAE boundary: the decoded video to float frames in [0, 1] as the
// pipeline's VideoProcessor returns them (output_type "np").
#pragma once

#include "tensor/tensor.h"

namespace gpuq {

// clamp(x / 2 + 0.5, 0, 1), [B, 3, F, H, W] -> [B, F, H, W, 3] (CPU tensors).
Tensor video_to_frames01(const Tensor& video);

}  // namespace gpuq
