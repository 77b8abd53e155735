// The stage calls of both pipelines: SDXL's unetForward and vaeDecode, and WAN's encodeText,
// transformerForward and vaeDecode (whose stage functions wan_pipeline_wrap.cpp builds).
#include "stage_worker.h"
#include "wan_workers.h"
#include "workers.h"

namespace gpuq::binding {

Napi::Promise start_unet(Napi::Env env, std::shared_ptr<PipelineHandle> h, UNetInputs in, bool trace) {
  Stage<SdxlPipeline> stage = [in = std::move(in)](SdxlPipeline& pipe, Trace* t) {
    Backend& be = pipe.backend();
    UNetInputs on_device = in;
    on_device.sample = be.upload(in.sample);
    on_device.encoder_hidden_states = be.upload(in.encoder_hidden_states);
    if (in.text_embeds.defined()) on_device.text_embeds = be.upload(in.text_embeds);
    if (in.time_ids.defined()) on_device.time_ids = be.upload(in.time_ids);
    return be.download(pipe.unet().forward(on_device, t));
  };
  return start_stage<PipelineHandle, SdxlPipeline>(env, std::move(h), std::move(stage), "noisePred", trace);
}

Napi::Promise start_vae(Napi::Env env, std::shared_ptr<PipelineHandle> h, Tensor z, bool trace) {
  Stage<SdxlPipeline> stage = [z = std::move(z)](SdxlPipeline& pipe, Trace* t) {
    Backend& be = pipe.backend();
    return be.download(pipe.vae().decode(be.upload(z), t));
  };
  return start_stage<PipelineHandle, SdxlPipeline>(env, std::move(h), std::move(stage), "image", trace);
}

Napi::Promise start_wan_stage(Napi::Env env, std::shared_ptr<WanHandle> h, WanStage stage, bool trace) {
  return start_stage<WanHandle, WanPipeline>(env, std::move(h), std::move(stage), "output", trace);
}

}  // namespace gpuq::binding
