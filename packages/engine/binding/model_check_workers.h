// The model check's JS entry points (model_check_worker.cpp), registered in addon.cpp.
#pragma once

#include <napi.h>

namespace gpuq::binding {

Napi::Value check_model_js(const Napi::CallbackInfo& info);
Napi::Value model_plan_js(const Napi::CallbackInfo& info);

}  // namespace gpuq::binding
