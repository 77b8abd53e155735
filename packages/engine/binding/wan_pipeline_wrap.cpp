// The JS object around a loaded WAN pipeline (pipeline_object.h): info(), generate(request,
// onProgress) and the stage calls encodeText(ids, mask, trace), transformerForward(x, timestep,
// context, trace) and vaeDecode(z, trace).
#include "convert.h"
#include "pipeline_object.h"
#include "wan_workers.h"
#include "weight_storage_option.h"

namespace gpuq::binding {

namespace {

using Handle = std::shared_ptr<WanHandle>;

Napi::Value pipeline_info(const Napi::CallbackInfo& ci, const Handle& handle) {
  Napi::Env env = ci.Env();
  WanPipeline& p = *handle->pipe;
  Napi::Object o = Napi::Object::New(env);
  o.Set("backend", p.backend().name());
  o.Set("vaeScaleSpatial", static_cast<double>(p.vae_scale_spatial()));
  o.Set("vaeScaleTemporal", static_cast<double>(p.vae_scale_temporal()));
  o.Set("patchSize", static_cast<double>(p.transformer().config().patch[1]));
  o.Set("latentChannels", static_cast<double>(p.vae().config().z_dim));
  o.Set("vocabSize", static_cast<double>(p.vocab_size()));
  o.Set("scheduler", p.scheduler_config().kind == FlowKind::UniPC ? "unipc" : "flow_euler");
  o.Set("flowShift", p.scheduler_config().shift);
  o.Set("supportsImage", p.supports_image());
  o.Set("components", component_memory_to_js(env, p.component_memory()));
  return o;
}

// { width, height, rgb: Uint8Array } -> RgbImage (copied). The TS wrapper has checked the sizes.
RgbImage image_from_js(const Napi::Value& value) {
  Napi::Env env = value.Env();
  if (!value.IsObject()) throw Napi::TypeError::New(env, "image: { width, height, rgb } expected");
  Napi::Object o = value.As<Napi::Object>();
  Napi::Value rgb = o.Get("rgb");
  if (!rgb.IsTypedArray() || rgb.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
    throw Napi::TypeError::New(env, "image.rgb: Uint8Array expected");
  Napi::Uint8Array bytes = rgb.As<Napi::Uint8Array>();
  RgbImage image;
  image.rgb.assign(bytes.Data(), bytes.Data() + bytes.ElementLength());
  image.width = static_cast<int64_t>(number_prop(o, "width", 0));
  image.height = static_cast<int64_t>(number_prop(o, "height", 0));
  return image;
}

WanGenerateRequest request_from_js(const Napi::Object& o) {
  WanGenerateRequest req;
  req.prompt_ids = ids_from_js(o.Get("promptIds"), "promptIds");
  req.prompt_mask = ids_from_js(o.Get("promptMask"), "promptMask");
  if (o.Get("negativeIds").IsTypedArray()) {
    req.negative_ids = ids_from_js(o.Get("negativeIds"), "negativeIds");
    req.negative_mask = ids_from_js(o.Get("negativeMask"), "negativeMask");
  }
  req.height = static_cast<int64_t>(number_prop(o, "height", 480));
  req.width = static_cast<int64_t>(number_prop(o, "width", 832));
  req.num_frames = static_cast<int64_t>(number_prop(o, "numFrames", 81));
  req.steps = static_cast<int64_t>(number_prop(o, "steps", 50));
  req.guidance_scale = static_cast<float>(number_prop(o, "guidanceScale", 5.0));
  req.scheduler = string_prop(o, "scheduler", "");
  req.flow_shift = number_prop(o, "flowShift", 0);
  req.seed = static_cast<uint64_t>(number_prop(o, "seed", 0));
  if (o.Get("initialLatents").IsObject()) req.initial_latents = tensor_from_js(o.Get("initialLatents"), "initialLatents");
  if (o.Get("image").IsObject()) req.image = image_from_js(o.Get("image"));
  return req;
}

// generate(request, onProgress) -> { promise, cancel() }
Napi::Value generate(const Napi::CallbackInfo& ci, const Handle& handle) {
  Napi::Env e = ci.Env();
  if (ci.Length() < 1 || !ci[0].IsObject()) throw Napi::TypeError::New(e, "generate(request): object expected");
  return cancellable_call(e, [&](std::shared_ptr<std::atomic<bool>> cancel) {
    return start_wan_generate(e, handle, request_from_js(ci[0].As<Napi::Object>()), ci[1], std::move(cancel));
  });
}

Napi::Value encode_text(const Napi::CallbackInfo& ci, const Handle& handle) {
  auto ids = ids_from_js(ci[0], "ids");
  auto mask = ids_from_js(ci[1], "mask");
  WanStage stage = [ids, mask](WanPipeline& p, Trace* t) { return p.encode_prompt(ids, mask, t); };
  return start_wan_stage(ci.Env(), handle, std::move(stage), ci[2].ToBoolean().Value());
}

Napi::Value transformer_forward(const Napi::CallbackInfo& ci, const Handle& handle) {
  Tensor x = tensor_from_js(ci[0], "hiddenStates");
  const float t = static_cast<float>(ci[1].As<Napi::Number>().DoubleValue());
  Tensor ctx = tensor_from_js(ci[2], "encoderHiddenStates");
  WanStage stage = [x, t, ctx](WanPipeline& p, Trace* tr) {
    Backend& be = p.backend();
    return be.download(p.transformer().forward(be.upload(x), {t}, be.upload(ctx), tr));
  };
  return start_wan_stage(ci.Env(), handle, std::move(stage), ci[3].ToBoolean().Value());
}

Napi::Value vae_decode(const Napi::CallbackInfo& ci, const Handle& handle) {
  Tensor z = tensor_from_js(ci[0], "z");
  WanStage stage = [z](WanPipeline& p, Trace* t) { return p.vae().decode(z, t); };
  return start_wan_stage(ci.Env(), handle, std::move(stage), ci[1].ToBoolean().Value());
}

}  // namespace

Napi::Object wrap_wan_pipeline(Napi::Env env, std::shared_ptr<WanHandle> handle) {
  return wrap_pipeline_object<WanHandle>(env, std::move(handle),
                                         {{"info", &pipeline_info},
                                          {"generate", &generate},
                                          {"encodeText", &encode_text},
                                          {"transformerForward", &transformer_forward},
                                          {"vaeDecode", &vae_decode}});
}

}  // namespace gpuq::binding
