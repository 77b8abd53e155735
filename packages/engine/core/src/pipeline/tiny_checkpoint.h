// Writes a random-weight SDXL checkpoint in the diffusers folder layout: model_index.json, every
// component's config.json and safetensors, the scheduler config, and a byte-level CLIP tokenizer
// (vocab.json + merges.txt) so text prompts work. The default sizes are those of diffusers'
// SDXL test model (what the demo runs when no real weights are configured); `unet_config_json`
// can replace the UNet config (e.g. the full SDXL layout for benchmarks).
// Errors: NotFound when the folder cannot be created or written.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "models/param_specs.h"
#include "tensor/tensor.h"

namespace gpuq {

struct TinyCheckpointOptions {
  uint64_t seed = 0;
};

void write_tiny_sdxl_checkpoint(const std::string& dir, const TinyCheckpointOptions& options = {});

// Random weights for a parameter list, uniform with the variance of: matrices and convolutions
// N(0, 1/fan_in), norm weights 1 + 0.1 N(0,1), biases 0.02 N(0,1). Deterministic per seed and
// name; layers are filled in parallel.
std::map<std::string, Tensor> random_weights(const ParamSpecs& specs, uint64_t seed);

// The tiny checkpoint's UNet config.json (diffusers' SDXL test model).
std::string tiny_unet_config_json();
// SDXL base 1.0's UNet config.json (2.6B parameters), for the full-size benchmark.
std::string sdxl_base_unet_config_json();

}  // namespace gpuq
