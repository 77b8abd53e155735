#include "models/clip.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "util/error.h"

namespace gpuq {

ClipConfig ClipConfig::from_json(const json::Value& cfg) {
  ClipConfig c;
  c.hidden = cfg.at("hidden_size").as_int();
  c.layers = cfg.at("num_hidden_layers").as_int();
  c.heads = cfg.at("num_attention_heads").as_int();
  c.intermediate = cfg.at("intermediate_size").as_int();
  c.vocab = cfg.int_or("vocab_size", 49408);
  c.max_positions = cfg.int_or("max_position_embeddings", 77);
  c.eos_token_id = cfg.int_or("eos_token_id", 2);
  c.eps = static_cast<float>(cfg.number_or("layer_norm_eps", 1e-5));
  std::string act = cfg.string_or("hidden_act", "quick_gelu");
  if (act == "quick_gelu") c.act = Activation::QuickGelu;
  else if (act == "gelu") c.act = Activation::GeluErf;
  else if (act == "gelu_new" || act == "gelu_pytorch_tanh") c.act = Activation::GeluTanh;
  else throw Error(ErrorCode::Unsupported, "CLIP hidden_act \"" + act + "\"");
  return c;
}

ClipTextEncoder::ClipTextEncoder(Weights weights, Backend& backend)
    : weights_(std::move(weights)), be_(backend), cfg_(ClipConfig::from_json(weights_.config())) {}

int64_t ClipTextEncoder::pool_position(const int64_t* row, int64_t length, int64_t eos_token_id) {
  if (eos_token_id == 2) return std::max_element(row, row + length) - row;
  for (int64_t i = 0; i < length; ++i)
    if (row[i] == eos_token_id) return i;
  return length - 1;
}

Tensor clip_encoder_layer(Backend& be, const Weights& weights, const std::string& p, const ClipConfig& cfg,
                          const Tensor& x, bool causal) {
  auto w = [&](const std::string& n) -> const Tensor& { return weights.get(p + n); };
  Tensor h = be.layer_norm(x, w("layer_norm1.weight"), &w("layer_norm1.bias"), cfg.eps);
  Tensor q = be.linear(h, w("self_attn.q_proj.weight"), &w("self_attn.q_proj.bias"));
  Tensor k = be.linear(h, w("self_attn.k_proj.weight"), &w("self_attn.k_proj.bias"));
  Tensor v = be.linear(h, w("self_attn.v_proj.weight"), &w("self_attn.v_proj.bias"));
  float scale = 1.0f / std::sqrt(static_cast<float>(cfg.hidden / cfg.heads));
  Tensor a = be.attention(q, k, v, static_cast<int>(cfg.heads), scale, causal);
  a = be.linear(a, w("self_attn.out_proj.weight"), &w("self_attn.out_proj.bias"));
  Tensor r = be.add(x, a);
  h = be.layer_norm(r, w("layer_norm2.weight"), &w("layer_norm2.bias"), cfg.eps);
  h = be.linear(h, w("mlp.fc1.weight"), &w("mlp.fc1.bias"));
  h = be.activation(h, cfg.act);
  h = be.linear(h, w("mlp.fc2.weight"), &w("mlp.fc2.bias"));
  return be.add(r, h);
}

ClipOutput ClipTextEncoder::encode(const std::vector<int64_t>& ids, int64_t batch) const {
  check(batch > 0 && !ids.empty() && ids.size() % batch == 0, ErrorCode::InvalidArgument,
        "CLIP: token ids do not divide into the batch");
  const int64_t len = static_cast<int64_t>(ids.size()) / batch, hid = cfg_.hidden;
  check(len <= cfg_.max_positions, ErrorCode::InvalidArgument,
        "CLIP: " + std::to_string(len) + " tokens exceed max_position_embeddings " +
            std::to_string(cfg_.max_positions));
  std::vector<int64_t> positions(static_cast<size_t>(batch * len));
  for (int64_t i = 0; i < batch * len; ++i) positions[i] = i % len;
  Tensor x;
  try {
    x = be_.add(be_.embedding(weights_.get("text_model.embeddings.token_embedding.weight"), ids),
                be_.embedding(weights_.get("text_model.embeddings.position_embedding.weight"), positions));
  } catch (const Error& e) {
    throw Error(e.code(), std::string("CLIP: ") + e.what());
  }
  x = x.reshape({batch, len, hid});
  ClipOutput out;
  out.hidden_states.push_back(x);
  for (int i = 0; i < cfg_.layers; ++i) out.hidden_states.push_back(clip_encoder_layer(
      be_, weights_, "text_model.encoder.layers." + std::to_string(i) + ".", cfg_, out.hidden_states.back(), true));
  out.last_hidden_state = be_.layer_norm(out.hidden_states.back(),
                                         weights_.get("text_model.final_layer_norm.weight"),
                                         weights_.find("text_model.final_layer_norm.bias"), cfg_.eps);
  Tensor last = be_.download(out.last_hidden_state);
  Tensor pooled = Tensor::empty({batch, hid});
  for (int64_t b = 0; b < batch; ++b) {
    int64_t p = pool_position(ids.data() + b * len, len, cfg_.eos_token_id);
    std::memcpy(pooled.f32() + b * hid, last.f32() + (b * len + p) * hid, static_cast<size_t>(hid) * 4);
  }
  out.pooled = be_.upload(pooled);
  if (has_projection()) out.text_embeds = be_.linear(out.pooled, weights_.get("text_projection.weight"), nullptr);
  return out;
}

}  // namespace gpuq
