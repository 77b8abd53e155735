// WAN generate(request, onProgress): the whole loop and decode on a worker thread. Progress goes
// to JS through a ThreadSafeFunction after each step; the cancel flag is polled before each step.
#include "convert.h"
#include "promise_worker.h"
#include "wan_workers.h"

namespace gpuq::binding {

namespace {
struct WanProgress {
  int64_t step, total;
};

class WanGenerateWorker final : public PromiseWorker {
 public:
  WanGenerateWorker(Napi::Env env, std::shared_ptr<WanHandle> h, WanGenerateRequest req, Napi::Value on_progress,
                    std::shared_ptr<std::atomic<bool>> cancel)
      : PromiseWorker(env), h_(std::move(h)), req_(std::move(req)), cancel_(std::move(cancel)) {
    if (on_progress.IsFunction()) {
      tsfn_ = Napi::ThreadSafeFunction::New(env, on_progress.As<Napi::Function>(), "gpuq-wan-progress", 0, 1);
      has_tsfn_ = true;
    }
  }

 private:
  void Run() override {
    std::lock_guard<std::mutex> lock(h_->mu);
    GenerateHooks hooks;
    hooks.cancelled = [this] { return cancel_->load(std::memory_order_relaxed); };
    if (has_tsfn_) {
      hooks.on_step = [this](int64_t step, int64_t total) {
        tsfn_.NonBlockingCall(new WanProgress{step, total}, [](Napi::Env env, Napi::Function fn, WanProgress* p) {
          try {
            fn.Call({Napi::Number::New(env, static_cast<double>(p->step)),
                     Napi::Number::New(env, static_cast<double>(p->total))});
          } catch (const Napi::Error&) {
            // A throwing listener must not abort the native loop (the TS wrapper catches first).
          }
          delete p;
        });
      };
    }
    result_ = h_->pipe->generate(req_, hooks);
  }
  void Finished() override {
    if (has_tsfn_) tsfn_.Release();
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
  std::shared_ptr<std::atomic<bool>> cancel_;
  Napi::ThreadSafeFunction tsfn_;
  bool has_tsfn_ = false;
  WanGenerateResult result_;
};
}  // namespace

Napi::Promise start_wan_generate(Napi::Env env, std::shared_ptr<WanHandle> h, WanGenerateRequest req,
                                 Napi::Value on_progress, std::shared_ptr<std::atomic<bool>> cancel) {
  auto* w = new WanGenerateWorker(env, std::move(h), std::move(req), on_progress, std::move(cancel));
  Napi::Promise p = w->promise();
  w->Queue();
  return p;
}

}  // namespace gpuq::binding
