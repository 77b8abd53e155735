// WAN generate(request, onProgress): the whole loop and decode on a worker thread. Progress goes
// to JS through a ThreadSafeFunction after each step; the cancel flag is polled before each step.
#include "convert.h"
#include "generation_hooks.h"
#include "promise_worker.h"
#include "wan_workers.h"

namespace gpuq::binding {

namespace {
class WanGenerateWorker final : public PromiseWorker {
 public:
  WanGenerateWorker(Napi::Env env, std::shared_ptr<WanHandle> h, WanGenerateRequest req, Napi::Value on_progress,
                    std::shared_ptr<std::atomic<bool>> cancel)
      : PromiseWorker(env),
        h_(std::move(h)),
        req_(std::move(req)),
        hooks_(env, on_progress, std::move(cancel), "gpuq-wan-progress") {}

 private:
  void Run() override {
    std::lock_guard<std::mutex> lock(h_->mu);
    result_ = h_->pipe->generate(req_, hooks_.hooks());
  }
  void Finished() override {
    hooks_.release();
  }
  Napi::Value Result(Napi::Env env) override {
    Napi::Object r = Napi::Object::New(env);
    r.Set("latents", tensor_to_js(env, result_.latents));
    r.Set("frames", tensor_to_js(env, result_.frames));
    r.Set("framesU8", tensor_to_js(env, result_.frames_u8));
    return r;
  }

  std::shared_ptr<WanHandle> h_;
  WanGenerateRequest req_;
  GenerationHooks hooks_;
  WanGenerateResult result_;
};
}  // namespace

Napi::Promise start_wan_generate(Napi::Env env, std::shared_ptr<WanHandle> h, WanGenerateRequest req,
                                 Napi::Value on_progress, std::shared_ptr<std::atomic<bool>> cancel) {
  return queue_worker<WanGenerateWorker>(env, std::move(h), std::move(req), on_progress, std::move(cancel));
}

}  // namespace gpuq::binding
