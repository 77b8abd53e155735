#include "weight_storage_option.h"

#include "convert.h"

namespace gpuq::binding {

namespace {
DType parse_dtype(Napi::Env env, const std::string& value, const std::string& key) {
  if (value == "fp32") return DType::F32;
  if (value == "fp16") return DType::F16;
  if (value == "bf16") return DType::BF16;
  throw Napi::TypeError::New(env, key + " must be fp32, fp16 or bf16, got " + value);
}

const char* dtype_label(DType d) { return d == DType::F16 ? "fp16" : d == DType::BF16 ? "bf16" : "fp32"; }
}  // namespace

ComponentStorage storage_from_js(Napi::Env env, const Napi::Object& opts) {
  ComponentStorage storage(parse_dtype(env, string_prop(opts, "weightDtype", "fp32"), "weightDtype"));
  if (!opts.Has("componentDtypes") || !opts.Get("componentDtypes").IsObject()) return storage;
  Napi::Object per = opts.Get("componentDtypes").As<Napi::Object>();
  Napi::Array keys = per.GetPropertyNames();
  for (uint32_t i = 0; i < keys.Length(); ++i) {
    const std::string name = keys.Get(i).ToString().Utf8Value();
    storage.by_component[name] =
        parse_dtype(env, per.Get(name).ToString().Utf8Value(), "componentDtypes." + name);
  }
  return storage;
}

Napi::Object component_memory_to_js(Napi::Env env, const ComponentMemoryMap& memory) {
  Napi::Object out = Napi::Object::New(env);
  for (const auto& [name, m] : memory) {
    Napi::Object c = Napi::Object::New(env);
    c.Set("dtype", dtype_label(m.storage));
    c.Set("bytes", static_cast<double>(m.bytes));
    out.Set(name, c);
  }
  return out;
}

Napi::Value take_peak_device_bytes(Napi::Env env, Backend& backend) {
  const int64_t peak = backend.peak_device_bytes();
  backend.reset_peak_device_bytes();
  return peak < 0 ? env.Null() : Napi::Number::New(env, static_cast<double>(peak));
}

}  // namespace gpuq::binding
