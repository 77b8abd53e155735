// NativePipeline: the JS object around a loaded pipeline. Methods convert arguments on the main
// thread and start the matching worker. The TS wrapper validates before calling, so type errors
// here are a last line of defence.
#include "convert.h"
#include "weight_storage_option.h"
#include "workers.h"

namespace gpuq::binding {

namespace {

class NativePipeline : public Napi::ObjectWrap<NativePipeline> {
 public:
  static Napi::Function define(Napi::Env env) {
    return DefineClass(env, "NativePipeline",
                       {InstanceMethod("info", &NativePipeline::info),
                        InstanceMethod("encodeText", &NativePipeline::encode_text),
                        InstanceMethod("unetForward", &NativePipeline::unet_forward),
                        InstanceMethod("vaeDecode", &NativePipeline::vae_decode),
                        InstanceMethod("generate", &NativePipeline::generate),
                        InstanceMethod("takePeakDeviceBytes", &NativePipeline::take_peak)});
  }
  explicit NativePipeline(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativePipeline>(info) {
    if (info.Length() < 1 || !info[0].IsExternal())
      throw Napi::TypeError::New(info.Env(), "NativePipeline is created by load()");
    handle_ = *info[0].As<Napi::External<std::shared_ptr<PipelineHandle>>>().Data();
  }

 private:
  Napi::Value info(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    SdxlPipeline& p = *handle_->pipe;
    Napi::Object o = Napi::Object::New(env);
    o.Set("backend", p.backend().name());
    o.Set("vaeScaleFactor", static_cast<double>(p.vae_scale_factor()));
    o.Set("latentChannels", static_cast<double>(p.unet().config().in_channels));
    o.Set("maxTokens", static_cast<double>(p.max_tokens()));
    o.Set("vaeScalingFactor", p.vae().config().scaling_factor);
    o.Set("forceZerosForEmptyPrompt", p.force_zeros_for_empty_prompt());
    o.Set("weightBytes", static_cast<double>(p.unet().weights().bytes()));
    o.Set("components", component_memory_to_js(env, p.component_memory()));
    return o;
  }

  Napi::Value take_peak(const Napi::CallbackInfo& info) {
    return take_peak_device_bytes(info.Env(), handle_->pipe->backend());
  }

  Napi::Value encode_text(const Napi::CallbackInfo& info) {
    return start_encode_text(info.Env(), handle_, ids_from_js(info[0], "ids1"), ids_from_js(info[1], "ids2"));
  }

  Napi::Value unet_forward(const Napi::CallbackInfo& info) {
    Napi::Object o = info[0].As<Napi::Object>();
    UNetInputs in;
    in.sample = tensor_from_js(o.Get("sample"), "sample");
    in.timesteps = {static_cast<float>(number_prop(o, "timestep", 0))};
    in.encoder_hidden_states = tensor_from_js(o.Get("encoderHiddenStates"), "encoderHiddenStates");
    if (o.Get("textEmbeds").IsObject()) in.text_embeds = tensor_from_js(o.Get("textEmbeds"), "textEmbeds");
    if (o.Get("timeIds").IsObject()) in.time_ids = tensor_from_js(o.Get("timeIds"), "timeIds");
    bool trace = o.Get("trace").ToBoolean().Value();
    return start_unet(info.Env(), handle_, std::move(in), trace);
  }

  Napi::Value vae_decode(const Napi::CallbackInfo& info) {
    bool trace = info.Length() > 1 && info[1].ToBoolean().Value();
    return start_vae(info.Env(), handle_, tensor_from_js(info[0], "z"), trace);
  }

  // generate(request, onProgress) -> { promise, cancel() }
  Napi::Value generate(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Napi::Object o = info[0].As<Napi::Object>();
    GenerateRequest req;
    req.prompt_ids_1 = ids_from_js(o.Get("promptIds1"), "promptIds1");
    req.prompt_ids_2 = ids_from_js(o.Get("promptIds2"), "promptIds2");
    if (o.Get("negativeIds1").IsTypedArray()) req.negative_ids_1 = ids_from_js(o.Get("negativeIds1"), "negativeIds1");
    if (o.Get("negativeIds2").IsTypedArray()) req.negative_ids_2 = ids_from_js(o.Get("negativeIds2"), "negativeIds2");
    req.height = static_cast<int64_t>(number_prop(o, "height", 1024));
    req.width = static_cast<int64_t>(number_prop(o, "width", 1024));
    req.steps = static_cast<int64_t>(number_prop(o, "steps", 30));
    req.guidance_scale = static_cast<float>(number_prop(o, "guidanceScale", 5.0));
    req.scheduler = string_prop(o, "scheduler", "");
    req.seed = static_cast<uint64_t>(number_prop(o, "seed", 0));
    const char* pairs[3] = {"originalSize", "cropsCoordsTopLeft", "targetSize"};
    int64_t* dst[3] = {req.original_size, req.crops_coords_top_left, req.target_size};
    for (int k = 0; k < 3; ++k) {
      Napi::Value v = o.Get(pairs[k]);
      if (v.IsArray()) {
        dst[k][0] = v.As<Napi::Array>().Get(0u).As<Napi::Number>().Int64Value();
        dst[k][1] = v.As<Napi::Array>().Get(1u).As<Napi::Number>().Int64Value();
      }
    }
    if (o.Get("initialLatents").IsObject()) req.initial_latents = tensor_from_js(o.Get("initialLatents"), "initialLatents");
    if (o.Get("stepNoise").IsArray()) {
      Napi::Array a = o.Get("stepNoise").As<Napi::Array>();
      for (uint32_t i = 0; i < a.Length(); ++i) req.step_noise.push_back(tensor_from_js(a.Get(i), "stepNoise[i]"));
    }
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    Napi::Object r = Napi::Object::New(env);
    r.Set("promise", start_generate(env, handle_, std::move(req), info[1], cancel));
    r.Set("cancel", Napi::Function::New(env, [cancel](const Napi::CallbackInfo&) { cancel->store(true); }, "cancel"));
    return r;
  }

  std::shared_ptr<PipelineHandle> handle_;
};

}  // namespace

Napi::Object wrap_pipeline(Napi::Env env, std::shared_ptr<PipelineHandle> handle) {
  auto* ctor = env.GetInstanceData<Napi::FunctionReference>();
  auto* boxed = new std::shared_ptr<PipelineHandle>(std::move(handle));
  auto ext = Napi::External<std::shared_ptr<PipelineHandle>>::New(
      env, boxed, [](Napi::Env, std::shared_ptr<PipelineHandle>* p) { delete p; });
  return ctor->New({ext});
}

Napi::Function define_native_pipeline(Napi::Env env) { return NativePipeline::define(env); }

}  // namespace gpuq::binding
