// One stage of a pipeline (a text encode, a denoiser forward, a VAE decode) on a worker thread,
// under the pipeline's lock, optionally with every intermediate under the fixtures' names. The
// arguments are converted on the main thread and captured by the stage function; the result is
// `{ [outputKey]: tensor, trace? }`. SDXL and WAN stages both start here.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "convert.h"
#include "promise_worker.h"

namespace gpuq::binding {

// Runs on the worker thread: returns a CPU tensor, fills the trace when one is given.
template <class Pipeline>
using Stage = std::function<Tensor(Pipeline&, Trace*)>;

template <class Handle, class Pipeline>
class StageWorker final : public PromiseWorker {
 public:
  StageWorker(Napi::Env env, std::shared_ptr<Handle> h, Stage<Pipeline> stage, std::string output_key, bool trace)
      : PromiseWorker(env),
        h_(std::move(h)),
        stage_(std::move(stage)),
        output_key_(std::move(output_key)),
        want_trace_(trace) {}

 private:
  void Run() override {
    std::lock_guard<std::mutex> lock(h_->mu);
    out_ = stage_(*h_->pipe, want_trace_ ? &trace_ : nullptr);
  }
  Napi::Value Result(Napi::Env env) override {
    Napi::Object r = Napi::Object::New(env);
    r.Set(output_key_, tensor_to_js(env, out_));
    if (want_trace_) r.Set("trace", trace_to_js(env, trace_));
    return r;
  }

  std::shared_ptr<Handle> h_;
  Stage<Pipeline> stage_;
  std::string output_key_;
  bool want_trace_;
  Tensor out_;
  Trace trace_;
};

template <class Handle, class Pipeline>
Napi::Promise start_stage(Napi::Env env, std::shared_ptr<Handle> h, Stage<Pipeline> stage, std::string output_key,
                          bool trace) {
  return queue_worker<StageWorker<Handle, Pipeline>>(env, std::move(h), std::move(stage), std::move(output_key),
                                                     trace);
}

}  // namespace gpuq::binding
