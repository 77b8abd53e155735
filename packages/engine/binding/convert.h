// JS <-> core conversions for the binding. Everything here runs on the main thread: arguments
// are copied into core Tensors before a worker starts, results are copied into new typed arrays
// when it finishes, so no JS memory is touched from a background thread.
#pragma once

#include <napi.h>

#include <string>
#include <vector>

#include "models/blocks.h"
#include "tensor/tensor.h"

namespace gpuq::binding {

// { data: Float32Array, shape: number[] } -> fp32 Tensor (copied). Throws a JS TypeError naming
// `what` when the value has the wrong form or data.length != prod(shape).
Tensor tensor_from_js(const Napi::Value& value, const std::string& what);
// Int32Array -> ids. Throws TypeError.
std::vector<int64_t> ids_from_js(const Napi::Value& value, const std::string& what);

// fp32 / uint8 / int64 Tensor -> { data, shape } with Float32Array / Uint8Array / Float64Array.
Napi::Object tensor_to_js(Napi::Env env, const Tensor& t);
Napi::Object trace_to_js(Napi::Env env, const Trace& trace);

// Reads an optional number / string property with a default.
double number_prop(const Napi::Object& o, const char* key, double fallback);
std::string string_prop(const Napi::Object& o, const char* key, const std::string& fallback);

}  // namespace gpuq::binding
