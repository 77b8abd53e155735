// Module registration for gpuq_engine.node: load(), replay(), makeTinyCheckpoint(), the
// NativeScheduler class and build information. All computation lives in core/; the workers in *_worker.cpp.
#include <napi.h>

#include <thread>

#include "backend/cpu/gemm.h"
#include "convert.h"
#include "model_check_workers.h"
#include "pipeline/checked_backend.h"
#include "wan_workers.h"
#include "weight_storage_option.h"
#include "workers.h"

namespace gpuq::binding {

Napi::Function define_native_scheduler(Napi::Env env);

namespace {

// The arguments load() and loadWan() share, read the same way for both. The TS wrapper always
// passes threads; the hardware count is only a fallback (the addon reads no environment
// variables: configuration arrives as options).
struct LoadArgs {
  std::string dir;
  Napi::Object opts;
  std::string device;
  int threads;
  ComponentStorage storage;
  bool release_text_encoders;
};

LoadArgs load_args(const Napi::CallbackInfo& info, const char* call) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString())
    throw Napi::TypeError::New(env, std::string(call) + "(dir, options): dir must be a string");
  Napi::Object opts = info.Length() > 1 && info[1].IsObject() ? info[1].As<Napi::Object>() : Napi::Object::New(env);
  int threads = static_cast<int>(number_prop(opts, "threads", 0));
  int hw = static_cast<int>(std::thread::hardware_concurrency());
  ComponentStorage storage = storage_from_js(env, opts);
  return {info[0].As<Napi::String>().Utf8Value(), opts, string_prop(opts, "device", "auto"),
          threads > 0 ? threads : (hw > 0 ? hw : 1), storage, opts.Get("releaseTextEncoders").ToBoolean().Value()};
}

Napi::Value load(const Napi::CallbackInfo& info) {
  LoadArgs a = load_args(info, "load");
  // configDir: `dir` is a single-file checkpoint whose configs (and tokenizers) live there.
  return start_load(info.Env(), a.dir, a.device, a.threads, a.storage, a.release_text_encoders,
                    string_prop(a.opts, "configDir", ""));
}

// loadWan(dir, options): the same options as load(), for a WAN 2.1 diffusers folder.
Napi::Value load_wan(const Napi::CallbackInfo& info) {
  LoadArgs a = load_args(info, "loadWan");
  return start_wan_load(info.Env(), a.dir, a.device, a.threads, a.storage, a.release_text_encoders);
}

// cudaFreeMemory(device): free bytes of the CUDA device `device` selects, or null (CPU, no device).
Napi::Value cuda_free_memory_js(const Napi::CallbackInfo& info) {
  const std::string device = info.Length() > 0 && info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "auto";
  const int64_t bytes = cuda_free_memory(device);
  return bytes < 0 ? info.Env().Null() : Napi::Number::New(info.Env(), static_cast<double>(bytes));
}

Napi::Value replay(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object opts = info.Length() > 2 && info[2].IsObject() ? info[2].As<Napi::Object>() : Napi::Object::New(env);
  int threads = static_cast<int>(number_prop(opts, "threads", 0));
  int hw = static_cast<int>(std::thread::hardware_concurrency());
  return start_replay(env, info[0].As<Napi::String>().Utf8Value(), info[1].As<Napi::String>().Utf8Value(),
                      string_prop(opts, "device", "auto"), threads > 0 ? threads : (hw > 0 ? hw : 1));
}

Napi::Value make_tiny_checkpoint(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString())
    throw Napi::TypeError::New(env, "makeTinyCheckpoint(dir, seed): dir must be a string");
  uint64_t seed = info.Length() > 1 && info[1].IsNumber() ? static_cast<uint64_t>(info[1].As<Napi::Number>().Int64Value()) : 0;
  return start_tiny_checkpoint(env, info[0].As<Napi::String>().Utf8Value(), seed);
}

// deviceSelfCheck(): the latest start-up self-check of a device backend in this process (null when
// every load so far ran on the CPU), for the worker's start-up log.
Napi::Value device_self_check(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::optional<SelfCheckResult> r = last_device_self_check();
  if (!r) return env.Null();
  Napi::Object o = Napi::Object::New(env);
  o.Set("passed", r->passed);
  o.Set("backend", r->backend);
  o.Set("failedAt", r->failed_at);
  o.Set("detail", r->detail);
  o.Set("opsChecked", r->ops_checked);
  o.Set("tensorsChecked", r->tensors_checked);
  o.Set("seconds", r->seconds);
  o.Set("summary", r->summary());
  return o;
}

Napi::Object init(Napi::Env env, Napi::Object exports) {
  exports.Set("NativeScheduler", define_native_scheduler(env));
  exports.Set("load", Napi::Function::New(env, load, "load"));
  exports.Set("loadWan", Napi::Function::New(env, load_wan, "loadWan"));
  exports.Set("replay", Napi::Function::New(env, replay, "replay"));
  exports.Set("checkModel", Napi::Function::New(env, check_model_js, "checkModel"));
  exports.Set("modelPlan", Napi::Function::New(env, model_plan_js, "modelPlan"));
  exports.Set("cudaFreeMemory", Napi::Function::New(env, cuda_free_memory_js, "cudaFreeMemory"));
  exports.Set("makeTinyCheckpoint", Napi::Function::New(env, make_tiny_checkpoint, "makeTinyCheckpoint"));
  exports.Set("deviceSelfCheck", Napi::Function::New(env, device_self_check, "deviceSelfCheck"));
  Napi::Object build = Napi::Object::New(env);
  build.Set("sgemm", sgemm_impl_name());
  build.Set("cuda", false);
  build.Set("hardwareThreads", static_cast<double>(std::thread::hardware_concurrency()));
  exports.Set("build", build);
  return exports;
}

}  // namespace
}  // namespace gpuq::binding

static Napi::Object InitGpuqEngine(Napi::Env env, Napi::Object exports) { return gpuq::binding::init(env, exports); }

NODE_API_MODULE(gpuq_engine, InitGpuqEngine)
