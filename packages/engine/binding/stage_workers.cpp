// unetForward and vaeDecode: one model evaluation each, optionally with every intermediate.
#include "convert.h"
#include "promise_worker.h"
#include "workers.h"

namespace gpuq::binding {

namespace {
class UNetWorker final : public PromiseWorker {
 public:
  UNetWorker(Napi::Env env, std::shared_ptr<PipelineHandle> h, UNetInputs in, bool trace)
      : PromiseWorker(env), h_(std::move(h)), in_(std::move(in)), want_trace_(trace) {}

 private:
  void Run() override {
    std::lock_guard<std::mutex> lock(h_->mu);
    Backend& be = h_->pipe->backend();
    UNetInputs in = in_;
    in.sample = be.upload(in.sample);
    in.encoder_hidden_states = be.upload(in.encoder_hidden_states);
    if (in.text_embeds.defined()) in.text_embeds = be.upload(in.text_embeds);
    if (in.time_ids.defined()) in.time_ids = be.upload(in.time_ids);
    out_ = be.download(h_->pipe->unet().forward(in, want_trace_ ? &trace_ : nullptr));
  }
  Napi::Value Result(Napi::Env env) override {
    Napi::Object r = Napi::Object::New(env);
    r.Set("noisePred", tensor_to_js(env, out_));
    if (want_trace_) r.Set("trace", trace_to_js(env, trace_));
    return r;
  }

  std::shared_ptr<PipelineHandle> h_;
  UNetInputs in_;
  bool want_trace_;
  Tensor out_;
  Trace trace_;
};

class VaeWorker final : public PromiseWorker {
 public:
  VaeWorker(Napi::Env env, std::shared_ptr<PipelineHandle> h, Tensor z, bool trace)
      : PromiseWorker(env), h_(std::move(h)), z_(std::move(z)), want_trace_(trace) {}

 private:
  void Run() override {
    std::lock_guard<std::mutex> lock(h_->mu);
    Backend& be = h_->pipe->backend();
    image_ = be.download(h_->pipe->vae().decode(be.upload(z_), want_trace_ ? &trace_ : nullptr));
  }
  Napi::Value Result(Napi::Env env) override {
    Napi::Object r = Napi::Object::New(env);
    r.Set("image", tensor_to_js(env, image_));
    if (want_trace_) r.Set("trace", trace_to_js(env, trace_));
    return r;
  }

  std::shared_ptr<PipelineHandle> h_;
  Tensor z_;
  bool want_trace_;
  Tensor image_;
  Trace trace_;
};
}  // namespace

Napi::Promise start_unet(Napi::Env env, std::shared_ptr<PipelineHandle> h, UNetInputs in, bool trace) {
  return queue_worker<UNetWorker>(env, std::move(h), std::move(in), trace);
}

Napi::Promise start_vae(Napi::Env env, std::shared_ptr<PipelineHandle> h, Tensor z, bool trace) {
  return queue_worker<VaeWorker>(env, std::move(h), std::move(z), trace);
}

}  // namespace gpuq::binding
