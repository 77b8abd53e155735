// encodeText(ids1, ids2): both CLIP encoders and the SDXL prompt assembly.
#include "convert.h"
#include "promise_worker.h"
#include "workers.h"

namespace gpuq::binding {

namespace {
Napi::Object clip_to_js(Napi::Env env, const ClipOutput& o, Backend& be) {
  Napi::Object r = Napi::Object::New(env);
  Napi::Array hs = Napi::Array::New(env, o.hidden_states.size());
  for (size_t i = 0; i < o.hidden_states.size(); ++i) hs.Set(i, tensor_to_js(env, be.download(o.hidden_states[i])));
  r.Set("hiddenStates", hs);
  r.Set("lastHiddenState", tensor_to_js(env, be.download(o.last_hidden_state)));
  r.Set("pooled", tensor_to_js(env, be.download(o.pooled)));
  if (o.text_embeds.defined()) r.Set("textEmbeds", tensor_to_js(env, be.download(o.text_embeds)));
  return r;
}

class EncodeTextWorker final : public PromiseWorker {
 public:
  EncodeTextWorker(Napi::Env env, std::shared_ptr<PipelineHandle> h, std::vector<int64_t> a, std::vector<int64_t> b)
      : PromiseWorker(env), h_(std::move(h)), ids1_(std::move(a)), ids2_(std::move(b)) {}

 private:
  void Run() override {
    std::lock_guard<std::mutex> lock(h_->mu);
    SdxlPipeline& p = *h_->pipe;
    o1_ = p.text_encoder_1().encode(ids1_, 1);
    o2_ = p.text_encoder_2().encode(ids2_, 1);
    embeds_ = p.assemble_prompt(o1_, o2_);
  }
  Napi::Value Result(Napi::Env env) override {
    Backend& be = h_->pipe->backend();
    Napi::Object r = Napi::Object::New(env);
    r.Set("promptEmbeds", tensor_to_js(env, embeds_.embeds));
    r.Set("pooledPromptEmbeds", tensor_to_js(env, embeds_.pooled));
    r.Set("textEncoder1", clip_to_js(env, o1_, be));
    r.Set("textEncoder2", clip_to_js(env, o2_, be));
    return r;
  }

  std::shared_ptr<PipelineHandle> h_;
  std::vector<int64_t> ids1_, ids2_;
  ClipOutput o1_, o2_;
  PromptEmbeds embeds_;
};
}  // namespace

Napi::Promise start_encode_text(Napi::Env env, std::shared_ptr<PipelineHandle> h, std::vector<int64_t> ids1,
                                std::vector<int64_t> ids2) {
  return queue_worker<EncodeTextWorker>(env, std::move(h), std::move(ids1), std::move(ids2));
}

}  // namespace gpuq::binding
