// load(dir, { device, threads, componentDtypes, releaseTextEncoders, configDir }): reads and maps
// a diffusers SDXL folder, or a single-file checkpoint with the configs of configDir, off the main
// thread.
#include "pipeline/checked_backend.h"
#include "promise_worker.h"
#include "workers.h"

namespace gpuq::binding {

namespace {
class LoadWorker final : public PromiseWorker {
 public:
  LoadWorker(Napi::Env env, std::string dir, std::string device, int threads, ComponentStorage storage,
             bool release_text_encoders, std::string config_dir)
      : PromiseWorker(env),
        dir_(std::move(dir)),
        device_(std::move(device)),
        config_dir_(std::move(config_dir)),
        threads_(threads),
        storage_(std::move(storage)),
        release_text_encoders_(release_text_encoders) {}

 private:
  void Run() override {
    handle_ = std::make_shared<PipelineHandle>();
    auto backend = make_checked_backend(device_, threads_);
    handle_->pipe = config_dir_.empty() ? SdxlPipeline::load(dir_, backend, storage_)
                                        : SdxlPipeline::load_single_file(dir_, config_dir_, backend, storage_);
    handle_->pipe->set_release_text_encoders(release_text_encoders_);
  }
  Napi::Value Result(Napi::Env env) override { return wrap_pipeline(env, handle_); }

  std::string dir_, device_, config_dir_;
  int threads_;
  ComponentStorage storage_;
  bool release_text_encoders_;
  std::shared_ptr<PipelineHandle> handle_;
};
}  // namespace

Napi::Promise start_load(Napi::Env env, const std::string& dir, const std::string& device, int threads,
                         const ComponentStorage& weight_storage, bool release_text_encoders,
                         const std::string& config_dir) {
  return queue_worker<LoadWorker>(env, dir, device, threads, weight_storage, release_text_encoders, config_dir);
}

}  // namespace gpuq::binding
