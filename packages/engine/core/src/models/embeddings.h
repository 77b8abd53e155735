// Sinusoidal timestep features and the two-layer MLP that embeds them (diffusers' Timesteps and
// TimestepEmbedding). The sinusoids reproduce PyTorch's float32 arithmetic step by step (the
// exponent table, the product with t, then sin/cos of that float32 argument), because arguments
// reach 1536 (SDXL's size conditioning) where a differently rounded argument changes the result.
#pragma once

#include <string>
#include <vector>

#include "models/weights.h"

namespace gpuq {

// values [N] -> [N, dim]; flip puts cos before sin (flip_sin_to_cos); shift = downscale_freq_shift.
Tensor timestep_sinusoids(const std::vector<float>& values, int64_t dim, bool flip, float shift,
                          float max_period = 10000.0f);

// linear_2(act(linear_1(x))) with weights `<prefix>.linear_1.*`, `<prefix>.linear_2.*`.
Tensor timestep_mlp(Backend& be, const Weights& w, const std::string& prefix, const Tensor& x);

}  // namespace gpuq
