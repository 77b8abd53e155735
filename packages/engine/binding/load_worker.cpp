// The load calls of both pipelines (load_worker.h): how each opens its folder off the main thread.
#include "load_worker.h"

#include "wan_workers.h"
#include "workers.h"

namespace gpuq::binding {

// load(dir, { device, threads, componentDtypes, releaseTextEncoders, configDir }): a diffusers
// SDXL folder, or a single-file checkpoint with the configs of configDir.
Napi::Promise start_load(Napi::Env env, const std::string& dir, const std::string& device, int threads,
                         const ComponentStorage& weight_storage, bool release_text_encoders,
                         const std::string& config_dir) {
  auto open = [dir, weight_storage, release_text_encoders, config_dir](std::shared_ptr<Backend> backend) {
    auto pipe = config_dir.empty() ? SdxlPipeline::load(dir, backend, weight_storage)
                                   : SdxlPipeline::load_single_file(dir, config_dir, backend, weight_storage);
    pipe->set_release_text_encoders(release_text_encoders);
    return pipe;
  };
  return queue_worker<LoadWorker<PipelineHandle>>(env, device, threads, open, &wrap_pipeline);
}

// loadWan(dir, { device, threads, componentDtypes, releaseTextEncoders }): a diffusers WAN 2.1 folder.
Napi::Promise start_wan_load(Napi::Env env, const std::string& dir, const std::string& device, int threads,
                             const ComponentStorage& weight_storage, bool release_text_encoders) {
  auto open = [dir, weight_storage, release_text_encoders](std::shared_ptr<Backend> backend) {
    auto pipe = WanPipeline::load(dir, std::move(backend), weight_storage);
    pipe->set_release_text_encoder(release_text_encoders);
    return pipe;
  };
  return queue_worker<LoadWorker<WanHandle>>(env, device, threads, open, &wrap_wan_pipeline);
}

}  // namespace gpuq::binding
