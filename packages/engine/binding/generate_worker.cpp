// The generate calls of both pipelines (generate_worker.h) and the fields of their results.
#include "generate_worker.h"

#include "wan_workers.h"
#include "workers.h"

namespace gpuq::binding {

namespace {
void sdxl_result_to_js(Napi::Env env, const GenerateResult& result, Napi::Object& r) {
  r.Set("latents", tensor_to_js(env, result.latents));
  r.Set("image", tensor_to_js(env, result.image));
  r.Set("imageU8", tensor_to_js(env, result.image_u8));
}

void wan_result_to_js(Napi::Env env, const WanGenerateResult& result, Napi::Object& r) {
  r.Set("latents", tensor_to_js(env, result.latents));
  r.Set("frames", tensor_to_js(env, result.frames));
  r.Set("framesU8", tensor_to_js(env, result.frames_u8));
}
}  // namespace

Napi::Promise start_generate(Napi::Env env, std::shared_ptr<PipelineHandle> h, GenerateRequest req,
                             Napi::Value on_progress, std::shared_ptr<std::atomic<bool>> cancel) {
  using Worker = GenerateWorker<PipelineHandle, GenerateRequest, GenerateResult>;
  return queue_worker<Worker>(env, std::move(h), std::move(req), on_progress, std::move(cancel), "gpuq-progress",
                              &sdxl_result_to_js);
}

Napi::Promise start_wan_generate(Napi::Env env, std::shared_ptr<WanHandle> h, WanGenerateRequest req,
                                 Napi::Value on_progress, std::shared_ptr<std::atomic<bool>> cancel) {
  using Worker = GenerateWorker<WanHandle, WanGenerateRequest, WanGenerateResult>;
  return queue_worker<Worker>(env, std::move(h), std::move(req), on_progress, std::move(cancel),
                              "gpuq-wan-progress", &wan_result_to_js);
}

}  // namespace gpuq::binding
