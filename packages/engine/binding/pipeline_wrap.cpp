// The JS object around a loaded SDXL pipeline (pipeline_object.h): info(), generate(request,
// onProgress) and the stage calls encodeText(ids1, ids2), unetForward(inputs) and vaeDecode(z, trace).
#include "convert.h"
#include "pipeline_object.h"
#include "weight_storage_option.h"
#include "workers.h"

namespace gpuq::binding {

namespace {

using Handle = std::shared_ptr<PipelineHandle>;

Napi::Value pipeline_info(const Napi::CallbackInfo& info, const Handle& handle) {
  Napi::Env env = info.Env();
  SdxlPipeline& p = *handle->pipe;
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

Napi::Value encode_text(const Napi::CallbackInfo& info, const Handle& handle) {
  return start_encode_text(info.Env(), handle, ids_from_js(info[0], "ids1"), ids_from_js(info[1], "ids2"));
}

Napi::Value unet_forward(const Napi::CallbackInfo& info, const Handle& handle) {
  Napi::Object o = info[0].As<Napi::Object>();
  UNetInputs in;
  in.sample = tensor_from_js(o.Get("sample"), "sample");
  in.timesteps = {static_cast<float>(number_prop(o, "timestep", 0))};
  in.encoder_hidden_states = tensor_from_js(o.Get("encoderHiddenStates"), "encoderHiddenStates");
  if (o.Get("textEmbeds").IsObject()) in.text_embeds = tensor_from_js(o.Get("textEmbeds"), "textEmbeds");
  if (o.Get("timeIds").IsObject()) in.time_ids = tensor_from_js(o.Get("timeIds"), "timeIds");
  bool trace = o.Get("trace").ToBoolean().Value();
  return start_unet(info.Env(), handle, std::move(in), trace);
}

Napi::Value vae_decode(const Napi::CallbackInfo& info, const Handle& handle) {
  bool trace = info.Length() > 1 && info[1].ToBoolean().Value();
  return start_vae(info.Env(), handle, tensor_from_js(info[0], "z"), trace);
}

Napi::Value generate(const Napi::CallbackInfo& info, const Handle& handle) {
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
  return cancellable_call(env, [&](std::shared_ptr<std::atomic<bool>> cancel) {
    return start_generate(env, handle, std::move(req), info[1], std::move(cancel));
  });
}

}  // namespace

Napi::Object wrap_pipeline(Napi::Env env, std::shared_ptr<PipelineHandle> handle) {
  return wrap_pipeline_object<PipelineHandle>(env, std::move(handle),
                                              {{"info", &pipeline_info},
                                               {"encodeText", &encode_text},
                                               {"unetForward", &unet_forward},
                                               {"vaeDecode", &vae_decode},
                                               {"generate", &generate}});
}

}  // namespace gpuq::binding
