// loadWan(dir, { device, threads, weightDtype, componentDtypes, releaseTextEncoders }): reads and
// maps a diffusers WAN 2.1 folder off the main thread.
#include "pipeline/checked_backend.h"
#include "promise_worker.h"
#include "wan_workers.h"

namespace gpuq::binding {

namespace {
class WanLoadWorker final : public PromiseWorker {
 public:
  WanLoadWorker(Napi::Env env, std::string dir, std::string device, int threads, ComponentStorage storage,
                bool release_text_encoders)
      : PromiseWorker(env), dir_(std::move(dir)), device_(std::move(device)), threads_(threads), storage_(storage),
        release_text_encoders_(release_text_encoders) {}

 private:
  void Run() override {
    handle_ = std::make_shared<WanHandle>();
    handle_->pipe = WanPipeline::load(dir_, make_checked_backend(device_, threads_), storage_);
    handle_->pipe->set_release_text_encoder(release_text_encoders_);
  }
  Napi::Value Result(Napi::Env env) override { return wrap_wan_pipeline(env, handle_); }

  std::string dir_, device_;
  int threads_;
  ComponentStorage storage_;
  bool release_text_encoders_;
  std::shared_ptr<WanHandle> handle_;
};
}  // namespace

Napi::Promise start_wan_load(Napi::Env env, const std::string& dir, const std::string& device, int threads,
                             const ComponentStorage& weight_storage, bool release_text_encoders) {
  return queue_worker<WanLoadWorker>(env, dir, device, threads, weight_storage, release_text_encoders);
}

}  // namespace gpuq::binding
