// generate(request, onProgress): the whole loop on a worker thread. Progress goes to JS through a
// ThreadSafeFunction after each step; the cancel flag is polled by the pipeline before each step,
// so a cancel takes effect within one step.
#include "convert.h"
#include "generation_hooks.h"
#include "promise_worker.h"
#include "workers.h"

namespace gpuq::binding {

namespace {
class GenerateWorker final : public PromiseWorker {
 public:
  GenerateWorker(Napi::Env env, std::shared_ptr<PipelineHandle> h, GenerateRequest req, Napi::Value on_progress,
                 std::shared_ptr<std::atomic<bool>> cancel)
      : PromiseWorker(env),
        h_(std::move(h)),
        req_(std::move(req)),
        hooks_(env, on_progress, std::move(cancel), "gpuq-progress") {}

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
    r.Set("image", tensor_to_js(env, result_.image));
    r.Set("imageU8", tensor_to_js(env, result_.image_u8));
    return r;
  }

  std::shared_ptr<PipelineHandle> h_;
  GenerateRequest req_;
  GenerationHooks hooks_;
  GenerateResult result_;
};
}  // namespace

Napi::Promise start_generate(Napi::Env env, std::shared_ptr<PipelineHandle> h, GenerateRequest req,
                             Napi::Value on_progress, std::shared_ptr<std::atomic<bool>> cancel) {
  return queue_worker<GenerateWorker>(env, std::move(h), std::move(req), on_progress, std::move(cancel));
}

}  // namespace gpuq::binding
