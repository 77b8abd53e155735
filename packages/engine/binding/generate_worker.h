// generate(request, onProgress) of either pipeline: the whole loop (and decode) on a worker
// thread. Progress goes to JS through a ThreadSafeFunction after each step; the cancel flag is
// polled by the pipeline before each step, so a cancel takes effect within one step. Only the
// result's fields differ between SDXL and WAN: `to_js` names them.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "convert.h"
#include "generation_hooks.h"
#include "promise_worker.h"

namespace gpuq::binding {

template <class Handle, class Request, class Output>
class GenerateWorker final : public PromiseWorker {
 public:
  using ToJs = void (*)(Napi::Env, const Output&, Napi::Object&);

  GenerateWorker(Napi::Env env, std::shared_ptr<Handle> h, Request req, Napi::Value on_progress,
                 std::shared_ptr<std::atomic<bool>> cancel, const char* thread_name, ToJs to_js)
      : PromiseWorker(env),
        h_(std::move(h)),
        req_(std::move(req)),
        hooks_(env, on_progress, std::move(cancel), thread_name),
        to_js_(to_js) {}

 private:
  void Run() override {
    std::lock_guard<std::mutex> lock(h_->mu);
    result_ = h_->pipe->generate(req_, hooks_.hooks());
  }
  void Finished() override { hooks_.release(); }
  Napi::Value Result(Napi::Env env) override {
    Napi::Object r = Napi::Object::New(env);
    to_js_(env, result_, r);
    return r;
  }

  std::shared_ptr<Handle> h_;
  Request req_;
  GenerationHooks hooks_;
  ToJs to_js_;
  Output result_;
};

}  // namespace gpuq::binding
