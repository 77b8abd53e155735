// Which dtype each checkpoint component's matrices are kept in, and what each loaded component
// holds. Components are named after their diffusers folders ("unet", "vae", "text_encoder",
// "text_encoder_2", "transformer", "image_encoder"). The TS wrapper resolves "auto" per component
// (published dtype, bf16 for fp32-published WAN weights on a GPU) and passes explicit dtypes here.
// A VAE whose config sets `force_upcast` stays fp32 whatever is asked: diffusers upcasts it
// because the SDXL VAE overflows fp16 (NaN images on the real weights).
#pragma once

#include <map>
#include <string>

#include "models/weights.h"
#include "tensor/tensor.h"
#include "util/json.h"

namespace gpuq {

struct ComponentStorage {
  ComponentStorage(DType all = DType::F32) : fallback(all) {}  // NOLINT: a DType means "every component"
  DType fallback;
  std::map<std::string, DType> by_component;

  DType of(const std::string& component) const;
};

// The storage a VAE actually gets: F32 when `config` sets force_upcast, else `requested`.
DType vae_storage(const json::Value& vae_config, DType requested);

// One loaded component: the dtype its matrices are kept in and the bytes its tensors hold.
struct ComponentMemory {
  DType storage = DType::F32;
  size_t bytes = 0;
};
using ComponentMemoryMap = std::map<std::string, ComponentMemory>;

// Weights::load of `<dir>/<name>` in `storage`, recording the component in `memory`.
Weights load_component(const std::string& dir, const std::string& name, Backend& backend, DType storage,
                       ComponentMemoryMap& memory);

}  // namespace gpuq
