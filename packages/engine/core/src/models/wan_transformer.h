// WanTransformer3DModel (diffusers 0.33), driven by transformer/config.json: any size its config
// expresses (the 1.3B and 14B checkpoints differ only in numbers). Patch embedding (Conv3d with
// stride = kernel), 3D rotary positions, per block self-attention (q/k RMS norm across heads,
// RoPE), cross-attention on the projected text, GELU(tanh) feed-forward, all modulated by the
// timestep embedding (adaLN: shift, scale, gate), then the modulated output norm, projection and
// unpatchify.
// Inputs: latents [B, C, F, H, W] (F, H, W divisible by the patch), timesteps [B], text embeddings
// [B, Lt, text_dim]. Output: velocity [B, out_channels, F, H, W].
// Trace names follow transformer_forward.safetensors (rope.cos, patch_embedding, temb,
// blocks.i.attn1, ..., proj_out, output).
// Image-to-video checkpoints (image_dim and added_kv_proj_dim set, in_channels 36) also take CLIP
// image embeddings [B, Li, image_dim]: condition_embedder.image_embedder (LayerNorm, GELU
// feed-forward, LayerNorm) projects them, and every cross-attention attends to them with its own
// keys / values (add_k_proj + norm_added_k, add_v_proj) using the same queries, adding that
// output to the text attention's before to_out (diffusers' WanAttnProcessor2_0).
// Errors: Unsupported for qk_norm other than rms_norm_across_heads or none, FLF2V's image
// position embedding (pos_embed_seq_len) and added_kv_proj_dim != the model dim; InvalidArgument
// on shapes, image embeddings given to a text-only model or missing for an image-conditioned one.
#pragma once

#include <array>
#include <vector>

#include "models/blocks.h"

namespace gpuq {

struct WanTransformerConfig {
  std::array<int64_t, 3> patch{1, 2, 2};
  int64_t heads = 0, head_dim = 0, in_channels = 16, out_channels = 16, text_dim = 4096, freq_dim = 256;
  int64_t ffn_dim = 0, layers = 0, rope_max_seq_len = 1024;
  bool cross_attn_norm = true, qk_norm = true;
  int64_t image_dim = 0;  // > 0: image-to-video (CLIP image embeddings of this width)
  float eps = 1e-6f;
  int64_t dim() const { return heads * head_dim; }
  bool image_conditioned() const { return image_dim > 0; }
  static WanTransformerConfig from_json(const json::Value& cfg);
};

// The rotary table for a (frames, height, width) patch grid: cos / sin [L, head_dim / 2], tokens in
// (f, h, w) order; per token the frequencies of the frame axis, then height, then width.
void wan_rope_table(const WanTransformerConfig& cfg, int64_t f, int64_t h, int64_t w, Tensor& cos, Tensor& sin);

class WanTransformer {
 public:
  WanTransformer(Weights weights, Backend& backend);
  const WanTransformerConfig& config() const { return cfg_; }

  // `kv_cache` (optional) keeps the projected text (and image) and each block's cross-attention
  // keys / values for one context: pass one cache per distinct context (prompt and negative) across
  // the steps. `image_embeds` [B, Li, image_dim]: required exactly when the model is image
  // conditioned (config().image_conditioned()).
  Tensor forward(const Tensor& latents, const std::vector<float>& timesteps, const Tensor& context,
                 Trace* trace = nullptr, CrossAttentionCache* kv_cache = nullptr,
                 const Tensor* image_embeds = nullptr) const;

 private:
  Tensor self_attention(const std::string& p, const Tensor& x, const Tensor& cos, const Tensor& sin) const;
  Tensor cross_attention(const std::string& p, const Tensor& x, const Tensor& context, const Tensor& image,
                         CrossAttentionCache* cache) const;
  Tensor image_embedder(const Tensor& image_embeds) const;
  Tensor layer_norm_plain(const Tensor& x) const;

  Weights weights_;
  Backend& be_;
  WanTransformerConfig cfg_;
  Tensor ones_;  // gamma of the affine-free norms (norm1, norm3, norm_out)
};

}  // namespace gpuq
