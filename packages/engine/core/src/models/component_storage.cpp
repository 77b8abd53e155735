#include "models/component_storage.h"

namespace gpuq {

DType ComponentStorage::of(const std::string& component) const {
  auto it = by_component.find(component);
  return it == by_component.end() ? fallback : it->second;
}

DType vae_storage(const json::Value& vae_config, DType requested) {
  return vae_config.bool_or("force_upcast", false) ? DType::F32 : requested;
}

Weights load_component(const std::string& dir, const std::string& name, Backend& backend, DType storage,
                       ComponentMemoryMap& memory) {
  Weights w = Weights::load(dir + "/" + name, backend, storage);
  memory[name] = {storage, w.bytes()};
  return w;
}

}  // namespace gpuq
