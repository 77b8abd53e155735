// Memory options and reports of the pipeline objects. The load options' weight storage: `weightDtype` ("fp32" | "fp16" | "bf16", every component) and
// `componentDtypes` ({ unet: "fp16", vae: "fp32", ... }, per component, overriding weightDtype).
// The TS wrapper resolves "auto" before the call; anything else throws a TypeError naming the key.
#pragma once

#include <napi.h>

#include "models/component_storage.h"

namespace gpuq::binding {

ComponentStorage storage_from_js(Napi::Env env, const Napi::Object& opts);

// { component: { dtype: "fp16", bytes: n } } for the pipelines' info().
Napi::Object component_memory_to_js(Napi::Env env, const ComponentMemoryMap& memory);

// takePeakDeviceBytes(): the backend's device memory peak since the last call (then reset), or
// null on the CPU. Read before and after a generation, it is that generation's peak.
Napi::Value take_peak_device_bytes(Napi::Env env, Backend& backend);

}  // namespace gpuq::binding
