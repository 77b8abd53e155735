#include "models/umt5.h"

#include <cmath>
#include <limits>

#include "util/error.h"

namespace gpuq {

Umt5Config Umt5Config::from_json(const json::Value& cfg) {
  Umt5Config c;
  c.d_model = cfg.at("d_model").as_int();
  c.d_kv = cfg.at("d_kv").as_int();
  c.d_ff = cfg.at("d_ff").as_int();
  c.heads = cfg.at("num_heads").as_int();
  c.layers = cfg.at("num_layers").as_int();
  c.vocab = cfg.int_or("vocab_size", 256384);
  c.buckets = cfg.int_or("relative_attention_num_buckets", 32);
  c.max_distance = cfg.int_or("relative_attention_max_distance", 128);
  c.eps = static_cast<float>(cfg.number_or("layer_norm_epsilon", 1e-6));
  // "gated-gelu" means gelu_new (tanh) on wi_0 times wi_1; "relu" the plain T5 FFN.
  std::string ff = cfg.string_or("feed_forward_proj", "gated-gelu");
  c.gated = ff.rfind("gated-", 0) == 0;
  std::string act = c.gated ? ff.substr(6) : ff;
  if (act == "gelu" || act == "gelu_new") c.act = Activation::GeluTanh;
  else throw Error(ErrorCode::Unsupported, "UMT5 feed_forward_proj \"" + ff + "\"");
  return c;
}

int64_t umt5_relative_bucket(int64_t relative_position, int64_t buckets, int64_t max_distance) {
  const int64_t half = buckets / 2, max_exact = half / 2;
  int64_t bucket = relative_position > 0 ? half : 0;
  const int64_t n = std::abs(relative_position);
  if (n < max_exact) return bucket + n;
  // torch: log(n / max_exact) in float32, divided by the float64 log ratio rounded to float32,
  // times the remaining buckets, truncated.
  const float ratio = std::log(static_cast<float>(n) / static_cast<float>(max_exact)) /
                      static_cast<float>(std::log(static_cast<double>(max_distance) / static_cast<double>(max_exact)));
  int64_t large = max_exact + static_cast<int64_t>(ratio * static_cast<float>(half - max_exact));
  return bucket + std::min(large, half - 1);
}

Umt5Encoder::Umt5Encoder(Weights weights, Backend& backend)
    : weights_(std::move(weights)), be_(backend), cfg_(Umt5Config::from_json(weights_.config())) {}

Tensor Umt5Encoder::position_bias(int layer, int64_t len, const std::vector<int64_t>& mask, int64_t batch,
                                  Trace* trace) const {
  const std::string name =
      "encoder.block." + std::to_string(layer) + ".layer.0.SelfAttention.relative_attention_bias.weight";
  Tensor table = be_.download(weights_.get(name));  // [buckets, heads]
  const int64_t heads = cfg_.heads;
  Tensor qkh = Tensor::empty({len, len, heads});
  for (int64_t q = 0; q < len; ++q)
    for (int64_t k = 0; k < len; ++k) {
      const int64_t b = umt5_relative_bucket(k - q, cfg_.buckets, cfg_.max_distance);
      for (int64_t h = 0; h < heads; ++h) qkh.f32()[(q * len + k) * heads + h] = table.f32()[b * heads + h];
    }
  if (trace) (*trace)["block." + std::to_string(layer) + ".relative_attention_bias"] = qkh;
  // transformers adds (1 - mask) * finfo(float32).min to the bias of padded keys.
  const float lowest = std::numeric_limits<float>::lowest();
  Tensor bias = Tensor::empty({batch, heads, len, len});
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t h = 0; h < heads; ++h)
      for (int64_t q = 0; q < len; ++q)
        for (int64_t k = 0; k < len; ++k)
          bias.f32()[((n * heads + h) * len + q) * len + k] =
              qkh.f32()[(q * len + k) * heads + h] + (mask[n * len + k] ? 0.0f : lowest);
  return be_.upload(bias);
}

Tensor Umt5Encoder::block(const Tensor& x, int i, const Tensor& bias) const {
  const std::string p = "encoder.block." + std::to_string(i) + ".";
  auto w = [&](const std::string& n) -> const Tensor& { return weights_.get(p + n); };
  Tensor h = be_.rms_norm(x, &w("layer.0.layer_norm.weight"), cfg_.eps);
  Tensor q = be_.linear(h, w("layer.0.SelfAttention.q.weight"), nullptr);
  Tensor k = be_.linear(h, w("layer.0.SelfAttention.k.weight"), nullptr);
  Tensor v = be_.linear(h, w("layer.0.SelfAttention.v.weight"), nullptr);
  // T5 folds 1/sqrt(d) into its initialisation: the scores are not scaled.
  Tensor a = be_.attention_biased(q, k, v, static_cast<int>(cfg_.heads), 1.0f, bias);
  Tensor r = be_.add(x, be_.linear(a, w("layer.0.SelfAttention.o.weight"), nullptr));
  h = be_.rms_norm(r, &w("layer.1.layer_norm.weight"), cfg_.eps);
  Tensor f;
  if (cfg_.gated) {
    f = be_.mul(be_.activation(be_.linear(h, w("layer.1.DenseReluDense.wi_0.weight"), nullptr), cfg_.act),
                be_.linear(h, w("layer.1.DenseReluDense.wi_1.weight"), nullptr));
  } else {
    f = be_.activation(be_.linear(h, w("layer.1.DenseReluDense.wi.weight"), nullptr), cfg_.act);
  }
  return be_.add(r, be_.linear(f, w("layer.1.DenseReluDense.wo.weight"), nullptr));
}

Tensor Umt5Encoder::encode(const std::vector<int64_t>& ids, const std::vector<int64_t>& mask, int64_t batch,
                           Trace* trace) const {
  check(batch > 0 && !ids.empty() && ids.size() % batch == 0 && mask.size() == ids.size(),
        ErrorCode::InvalidArgument, "UMT5: token ids / mask do not divide into the batch");
  const int64_t len = static_cast<int64_t>(ids.size()) / batch;
  // encoder.embed_tokens is tied to shared.weight and absent from the file.
  const Tensor* table = weights_.find("shared.weight");
  if (!table) table = &weights_.get("encoder.embed_tokens.weight");
  Tensor x;
  try {
    x = be_.embedding(*table, ids).reshape({batch, len, cfg_.d_model});
  } catch (const Error& e) {
    throw Error(e.code(), std::string("UMT5: ") + e.what());
  }
  if (trace) (*trace)["embeddings"] = be_.download(x);
  for (int i = 0; i < cfg_.layers; ++i) {
    x = block(x, i, position_bias(i, len, mask, batch, trace));
    if (trace) (*trace)["block." + std::to_string(i)] = be_.download(x);
  }
  x = be_.rms_norm(x, &weights_.get("encoder.final_layer_norm.weight"), cfg_.eps);
  if (trace) (*trace)["last_hidden_state"] = be_.download(x);
  return x;
}

Tensor wan_prompt_embeds(const Tensor& last_hidden_state, const std::vector<int64_t>& mask) {
  Tensor out = last_hidden_state.to_f32(/*copy=*/true);
  const int64_t batch = out.dim(0), len = out.dim(1), c = out.dim(2);
  check(static_cast<int64_t>(mask.size()) == batch * len, ErrorCode::InvalidArgument, "prompt embeds: mask size");
  for (int64_t n = 0; n < batch; ++n) {
    int64_t valid = 0;
    for (int64_t l = 0; l < len; ++l) valid += mask[n * len + l] != 0;
    for (int64_t l = valid; l < len; ++l)
      for (int64_t j = 0; j < c; ++j) out.f32()[(n * len + l) * c + j] = 0.0f;
  }
  return out;
}

}  // namespace gpuq
