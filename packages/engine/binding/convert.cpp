#include "convert.h"

#include <cstring>

namespace gpuq::binding {

Tensor tensor_from_js(const Napi::Value& value, const std::string& what) {
  Napi::Env env = value.Env();
  if (!value.IsObject()) throw Napi::TypeError::New(env, "expected { data, shape } for " + what);
  Napi::Object o = value.As<Napi::Object>();
  Napi::Value data = o.Get("data"), shape = o.Get("shape");
  if (!data.IsTypedArray() || data.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
    throw Napi::TypeError::New(env, "expected a Float32Array for " + what + ".data");
  if (!shape.IsArray()) throw Napi::TypeError::New(env, "expected a number[] for " + what + ".shape");
  Napi::Array arr = shape.As<Napi::Array>();
  Shape s;
  for (uint32_t i = 0; i < arr.Length(); ++i) s.push_back(arr.Get(i).As<Napi::Number>().Int64Value());
  Napi::Float32Array f = data.As<Napi::Float32Array>();
  if (static_cast<int64_t>(f.ElementLength()) != shape_numel(s))
    throw Napi::TypeError::New(env, what + ": data has " + std::to_string(f.ElementLength()) +
                                        " values, shape " + shape_str(s) + " needs " +
                                        std::to_string(shape_numel(s)));
  Tensor t = Tensor::empty(s);
  if (t.nbytes()) std::memcpy(t.raw(), f.Data(), t.nbytes());
  return t;
}

std::vector<int64_t> ids_from_js(const Napi::Value& value, const std::string& what) {
  Napi::Env env = value.Env();
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array)
    throw Napi::TypeError::New(env, "expected an Int32Array for " + what);
  Napi::Int32Array a = value.As<Napi::Int32Array>();
  return std::vector<int64_t>(a.Data(), a.Data() + a.ElementLength());
}

Napi::Object tensor_to_js(Napi::Env env, const Tensor& t) {
  Napi::Object o = Napi::Object::New(env);
  Napi::Array shape = Napi::Array::New(env, t.shape().size());
  for (size_t i = 0; i < t.shape().size(); ++i) shape.Set(i, Napi::Number::New(env, static_cast<double>(t.shape()[i])));
  const size_t n = static_cast<size_t>(t.numel());
  if (t.dtype() == DType::U8) {
    Napi::Uint8Array a = Napi::Uint8Array::New(env, n);
    if (n) std::memcpy(a.Data(), t.raw(), n);
    o.Set("data", a);
  } else if (t.dtype() == DType::I64) {
    Napi::Float64Array a = Napi::Float64Array::New(env, n);
    for (size_t i = 0; i < n; ++i) a[i] = static_cast<double>(t.i64()[i]);
    o.Set("data", a);
  } else {
    Tensor f = t.to_f32();
    Napi::Float32Array a = Napi::Float32Array::New(env, n);
    if (n) std::memcpy(a.Data(), f.raw(), n * 4);
    o.Set("data", a);
  }
  o.Set("shape", shape);
  return o;
}

Napi::Object trace_to_js(Napi::Env env, const Trace& trace) {
  Napi::Object o = Napi::Object::New(env);
  for (const auto& [name, t] : trace) o.Set(name, tensor_to_js(env, t));
  return o;
}

double number_prop(const Napi::Object& o, const char* key, double fallback) {
  Napi::Value v = o.Get(key);
  return v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : fallback;
}

std::string string_prop(const Napi::Object& o, const char* key, const std::string& fallback) {
  Napi::Value v = o.Get(key);
  return v.IsString() ? v.As<Napi::String>().Utf8Value() : fallback;
}

}  // namespace gpuq::binding
