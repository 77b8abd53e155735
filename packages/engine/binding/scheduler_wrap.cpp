// NativeScheduler: one sampler's state, stepped synchronously (a step is a few elementwise passes
// over the latents, far cheaper than a thread hop). Created from a diffusers scheduler config
// JSON text (which may contain -Infinity) and an optional named override.
#include "convert.h"
#include "sched/scheduler.h"
#include "util/error.h"

namespace gpuq::binding {

namespace {

class NativeScheduler : public Napi::ObjectWrap<NativeScheduler> {
 public:
  static Napi::Function define(Napi::Env env) {
    return DefineClass(env, "NativeScheduler",
                       {InstanceMethod("tables", &NativeScheduler::tables),
                        InstanceMethod("inputScale", &NativeScheduler::input_scale),
                        InstanceMethod("step", &NativeScheduler::step)});
  }

  // new NativeScheduler(configJson, name, steps)
  explicit NativeScheduler(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeScheduler>(info) {
    Napi::Env env = info.Env();
    try {
      SchedulerConfig base = SchedulerConfig::from_json(json::parse(info[0].As<Napi::String>().Utf8Value()));
      std::string name = info[1].IsString() ? info[1].As<Napi::String>().Utf8Value() : "";
      SchedulerConfig cfg = name.empty() ? base : SchedulerConfig::named(name, base);
      sched_ = std::make_unique<Scheduler>(cfg, info[2].As<Napi::Number>().Int64Value());
    } catch (const gpuq::Error& e) {
      Napi::Error err = Napi::Error::New(env, e.what());
      err.Set("code", Napi::String::New(env, e.code_name()));
      throw err;
    }
  }

 private:
  Napi::Value tables(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const Schedule& s = sched_->schedule();
    Napi::Float64Array ts = Napi::Float64Array::New(env, s.timesteps.size());
    for (size_t i = 0; i < s.timesteps.size(); ++i) ts[i] = s.timesteps[i];
    Napi::Float32Array sg = Napi::Float32Array::New(env, s.sigmas.size());
    for (size_t i = 0; i < s.sigmas.size(); ++i) sg[i] = s.sigmas[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("timesteps", ts);
    o.Set("sigmas", sg);
    o.Set("integerTimesteps", s.integer_timesteps);
    o.Set("initNoiseSigma", s.init_noise_sigma);
    o.Set("needsNoise", sched_->needs_noise());
    return o;
  }

  Napi::Value input_scale(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), sched_->input_scale(info[0].As<Napi::Number>().Int64Value()));
  }

  // step(modelOutput, index, sample, noise?) -> { data, shape }
  Napi::Value step(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Tensor eps = tensor_from_js(info[0], "modelOutput");
    Tensor x = tensor_from_js(info[2], "sample");
    Tensor noise;
    if (info.Length() > 3 && info[3].IsObject()) noise = tensor_from_js(info[3], "noise");
    try {
      return tensor_to_js(env, sched_->step(eps, info[1].As<Napi::Number>().Int64Value(), x,
                                            noise.defined() ? &noise : nullptr));
    } catch (const gpuq::Error& e) {
      Napi::Error err = Napi::Error::New(env, e.what());
      err.Set("code", Napi::String::New(env, e.code_name()));
      throw err;
    }
  }

  std::unique_ptr<Scheduler> sched_;
};

}  // namespace

Napi::Function define_native_scheduler(Napi::Env env) { return NativeScheduler::define(env); }

}  // namespace gpuq::binding
