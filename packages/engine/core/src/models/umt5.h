// UMT5 text encoder (transformers UMT5EncoderModel), the text encoder of WAN 2.1 (umt5-xxl),
// driven by the component's config.json. T5 architecture with one difference: every layer has its
// own relative-position bias table (T5 shares layer 0's).
// Inputs: token ids and attention mask [B, L]. Output: last_hidden_state [B, L, d_model] (final
// RMS norm applied). The encoder runs over the padding with the mask applied, as transformers does.
// Trace names (fixture text_encoder.safetensors): embeddings, block.i.relative_attention_bias
// ([q, k, heads], before masking), block.i, last_hidden_state.
#pragma once

#include <vector>

#include "models/blocks.h"

namespace gpuq {

struct Umt5Config {
  int64_t d_model = 0, d_kv = 0, d_ff = 0, heads = 0, layers = 0, vocab = 0;
  int64_t buckets = 32, max_distance = 128;
  float eps = 1e-6f;
  bool gated = true;
  Activation act = Activation::GeluTanh;
  static Umt5Config from_json(const json::Value& cfg);
};

// transformers' bidirectional bucket of relative position (key - query): half the buckets per
// direction, exact below half of those, log-spaced up to max_distance. float32 arithmetic as torch.
int64_t umt5_relative_bucket(int64_t relative_position, int64_t buckets, int64_t max_distance);

class Umt5Encoder {
 public:
  Umt5Encoder(Weights weights, Backend& backend);
  const Umt5Config& config() const { return cfg_; }

  // ids / mask: row-major [batch, length]; mask 1 on real tokens, 0 on padding.
  Tensor encode(const std::vector<int64_t>& ids, const std::vector<int64_t>& mask, int64_t batch,
                Trace* trace = nullptr) const;

 private:
  // [1 or B, heads, L, L] additive scores: layer i's relative bias plus the padding mask.
  Tensor position_bias(int layer, int64_t len, const std::vector<int64_t>& mask, int64_t batch, Trace* trace) const;
  Tensor block(const Tensor& x, int i, const Tensor& bias) const;

  Weights weights_;
  Backend& be_;
  Umt5Config cfg_;
};

// WAN's prompt embeddings: rows at or after each row's sum(mask) set to zero ([B, L, C]).
Tensor wan_prompt_embeds(const Tensor& last_hidden_state, const std::vector<int64_t>& mask);

}  // namespace gpuq
