// WAN's stage calls (encodeText, transformerForward, vaeDecode): one model evaluation each on a
// worker thread, optionally with every intermediate under the fixtures' names. The arguments are
// converted on the main thread and captured by the stage function.
#include "convert.h"
#include "promise_worker.h"
#include "wan_workers.h"

namespace gpuq::binding {

namespace {
class WanStageWorker final : public PromiseWorker {
 public:
  WanStageWorker(Napi::Env env, std::shared_ptr<WanHandle> h, WanStage stage, bool trace)
      : PromiseWorker(env), h_(std::move(h)), stage_(std::move(stage)), want_trace_(trace) {}

 private:
  void Run() override {
    std::lock_guard<std::mutex> lock(h_->mu);
    out_ = stage_(*h_->pipe, want_trace_ ? &trace_ : nullptr);
  }
  Napi::Value Result(Napi::Env env) override {
    Napi::Object r = Napi::Object::New(env);
    r.Set("output", tensor_to_js(env, out_));
    if (want_trace_) r.Set("trace", trace_to_js(env, trace_));
    return r;
  }

  std::shared_ptr<WanHandle> h_;
  WanStage stage_;
  bool want_trace_;
  Tensor out_;
  Trace trace_;
};
}  // namespace

Napi::Promise start_wan_stage(Napi::Env env, std::shared_ptr<WanHandle> h, WanStage stage, bool trace) {
  return queue_worker<WanStageWorker>(env, std::move(h), std::move(stage), trace);
}

}  // namespace gpuq::binding
