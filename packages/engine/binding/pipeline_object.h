// The JS object around a loaded pipeline, for either model: a plain object whose methods each hold
// the shared handle, so the pipeline lives as long as the object or a running worker. Every such
// object has takePeakDeviceBytes(); each model's *_wrap.cpp lists the rest of its methods. Methods
// convert arguments on the main thread and start a worker; the TS wrapper validates before
// calling, so type errors here are a last line of defence.
#pragma once

#include <napi.h>

#include <atomic>
#include <initializer_list>
#include <memory>
#include <mutex>

#include "weight_storage_option.h"

namespace gpuq::binding {

// A loaded pipeline shared by its JS object and any running worker; the mutex serialises
// operations (the CPU backend's thread pool runs one op at a time).
template <class Pipeline>
struct LoadedPipeline {
  std::unique_ptr<Pipeline> pipe;
  std::mutex mu;
};

template <class Handle>
struct PipelineMethod {
  const char* name;
  Napi::Value (*call)(const Napi::CallbackInfo& info, const std::shared_ptr<Handle>& handle);
};

template <class Handle>
Napi::Object wrap_pipeline_object(Napi::Env env, std::shared_ptr<Handle> handle,
                                  std::initializer_list<PipelineMethod<Handle>> methods) {
  Napi::Object o = Napi::Object::New(env);
  auto set = [&](const char* name, auto call) {
    o.Set(name, Napi::Function::New(
                    env, [handle, call](const Napi::CallbackInfo& info) -> Napi::Value { return call(info, handle); },
                    name));
  };
  set("takePeakDeviceBytes", [](const Napi::CallbackInfo& info, const std::shared_ptr<Handle>& h) {
    return take_peak_device_bytes(info.Env(), h->pipe->backend());
  });
  for (const PipelineMethod<Handle>& m : methods) set(m.name, m.call);
  return o;
}

// generate's result, { promise, cancel() }: `start` receives the flag the worker polls before each
// step and returns the worker's promise.
template <class Start>
Napi::Object cancellable_call(Napi::Env env, Start start) {
  auto cancel = std::make_shared<std::atomic<bool>>(false);
  Napi::Object r = Napi::Object::New(env);
  r.Set("promise", start(cancel));
  r.Set("cancel", Napi::Function::New(env, [cancel](const Napi::CallbackInfo&) { cancel->store(true); }, "cancel"));
  return r;
}

}  // namespace gpuq::binding
