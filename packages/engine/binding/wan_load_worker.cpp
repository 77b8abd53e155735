// loadWan(dir, { device, threads, weightDtype }): reads and maps a diffusers WAN 2.1 folder off
// the main thread.
#include "pipeline/checked_backend.h"
#include "promise_worker.h"
#include "wan_workers.h"

namespace gpuq::binding {

namespace {
class WanLoadWorker final : public PromiseWorker {
 public:
  WanLoadWorker(Napi::Env env, std::string dir, std::string device, int threads, DType storage)
      : PromiseWorker(env), dir_(std::move(dir)), device_(std::move(device)), threads_(threads), storage_(storage) {}

 private:
  void Run() override {
    handle_ = std::make_shared<WanHandle>();
    handle_->pipe = WanPipeline::load(dir_, make_checked_backend(device_, threads_), storage_);
  }
  Napi::Value Result(Napi::Env env) override { return wrap_wan_pipeline(env, handle_); }

  std::string dir_, device_;
  int threads_;
  DType storage_;
  std::shared_ptr<WanHandle> handle_;
};
}  // namespace

Napi::Promise start_wan_load(Napi::Env env, const std::string& dir, const std::string& device, int threads,
                             DType weight_storage) {
  return queue_worker<WanLoadWorker>(env, dir, device, threads, weight_storage);
}

}  // namespace gpuq::binding
