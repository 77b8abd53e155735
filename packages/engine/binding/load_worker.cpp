// load(dir, { device, threads, weightDtype }): reads and maps a diffusers SDXL folder off the main
// thread.
#include "promise_worker.h"
#include "workers.h"

namespace gpuq::binding {

namespace {
class LoadWorker final : public PromiseWorker {
 public:
  LoadWorker(Napi::Env env, std::string dir, std::string device, int threads, ComponentStorage storage)
      : PromiseWorker(env), dir_(std::move(dir)), device_(std::move(device)), threads_(threads), storage_(storage) {}

 private:
  void Run() override {
    handle_ = std::make_shared<PipelineHandle>();
    handle_->pipe = SdxlPipeline::load(dir_, make_backend(device_, threads_), storage_);
  }
  Napi::Value Result(Napi::Env env) override { return wrap_pipeline(env, handle_); }

  std::string dir_, device_;
  int threads_;
  ComponentStorage storage_;
  std::shared_ptr<PipelineHandle> handle_;
};
}  // namespace

Napi::Promise start_load(Napi::Env env, const std::string& dir, const std::string& device, int threads,
                         const ComponentStorage& weight_storage) {
  return queue_worker<LoadWorker>(env, dir, device, threads, weight_storage);
}

}  // namespace gpuq::binding
