// CLIP text encoder (transformers CLIPTextModel / CLIPTextModelWithProjection), driven by the
// component's config.json. SDXL uses two: ViT-L (quick_gelu) and bigG (gelu, with projection).
// Inputs: token ids [B, L] (L <= max_position_embeddings). Outputs: every hidden state (index 0 =
// embeddings, i = after layer i-1, no final norm), last_hidden_state (final_layer_norm applied),
// pooled (last_hidden_state at the pooling position) and text_embeds (pooled · text_projectionᵀ)
// when the checkpoint has a projection.
#pragma once

#include <vector>

#include "models/weights.h"

namespace gpuq {

struct ClipConfig {
  int64_t hidden = 0, layers = 0, heads = 0, intermediate = 0, vocab = 0, max_positions = 0;
  int64_t eos_token_id = 2;
  float eps = 1e-5f;
  Activation act = Activation::GeluErf;
  static ClipConfig from_json(const json::Value& cfg);
};

// One CLIP encoder layer (CLIPEncoderLayer, pre-norm): x + attn(ln1(x)), then + mlp(ln2(.)), the
// weights under `prefix` ("text_model.encoder.layers.3."). The text encoder masks causally; the
// vision encoder does not. Shared so the vision tower runs the fixture-checked text code.
Tensor clip_encoder_layer(Backend& be, const Weights& w, const std::string& prefix, const ClipConfig& cfg,
                          const Tensor& x, bool causal);

struct ClipOutput {
  std::vector<Tensor> hidden_states;  // layers + 1 entries, each [B, L, hidden]
  Tensor last_hidden_state;           // [B, L, hidden]
  Tensor pooled;                      // [B, hidden]
  Tensor text_embeds;                 // [B, projection_dim], undefined without a projection
};

class ClipTextEncoder {
 public:
  ClipTextEncoder(Weights weights, Backend& backend);
  const ClipConfig& config() const { return cfg_; }
  bool has_projection() const { return weights_.has("text_projection.weight"); }

  // ids: row-major [batch, length]. Throws InvalidArgument on ids outside the vocabulary or
  // a length beyond the position table.
  ClipOutput encode(const std::vector<int64_t>& ids, int64_t batch) const;

  // Where transformers pools: argmax(ids) when eos_token_id == 2 (the legacy rule the SDXL
  // configs trigger), otherwise the first eos.
  static int64_t pool_position(const int64_t* row, int64_t length, int64_t eos_token_id);

 private:
  Weights weights_;
  Backend& be_;
  ClipConfig cfg_;
};

}  // namespace gpuq
