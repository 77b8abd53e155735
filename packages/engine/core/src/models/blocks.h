// Building blocks shared by the UNet and the VAE, named after the diffusers modules whose weights
// they load (`prefix` is the module's path in the checkpoint, e.g. "down_blocks.1.resnets.0").
#pragma once

#include <map>
#include <string>

#include "models/weights.h"

namespace gpuq {

// Optional capture of intermediate outputs by name (CPU copies), for tests and replay.
using Trace = std::map<std::string, Tensor>;

// Cross-attention keys and values per attention module. The text context is the same at every
// denoising step, so a generation computes them once (about 12% of an SDXL step at 32x32 latents)
// and reuses them. Valid only for the one context tensor it was filled with.
struct CrossAttentionCache {
  std::map<std::string, std::pair<Tensor, Tensor>> kv;
};

struct BlockContext {
  Backend& be;
  const Weights& w;
  Trace* trace = nullptr;
  CrossAttentionCache* kv_cache = nullptr;
  void record(const std::string& name, const Tensor& t) const {
    if (trace) (*trace)[name] = be.download(t);
  }
  const Tensor& get(const std::string& name) const { return w.get(name); }
  const Tensor* find(const std::string& name) const { return w.find(name); }
};

// ResnetBlock2D: norm1, SiLU, conv1, (+ time_emb_proj(SiLU(temb))), norm2, SiLU, conv2, plus the
// input (through conv_shortcut when channels change), divided by out_scale. temb may be undefined.
Tensor resnet_block(const BlockContext& c, const std::string& prefix, const Tensor& x, const Tensor& temb,
                    int groups, float eps, float out_scale = 1.0f);

// diffusers Attention on [B, L, C] with to_q/to_k/to_v/to_out.0 (biases optional); context
// undefined means self-attention.
Tensor attention_module(const BlockContext& c, const std::string& prefix, const Tensor& x, const Tensor& context,
                        int64_t heads);

// Transformer2DModel (continuous input): GroupNorm(eps 1e-6), proj_in (linear or 1x1 conv), the
// BasicTransformerBlocks (self-attn, cross-attn, GEGLU feed-forward), proj_out, plus the input.
Tensor spatial_transformer(const BlockContext& c, const std::string& prefix, const Tensor& x, const Tensor& context,
                           int64_t heads, int64_t layers, int groups, bool linear_projection);

// Downsample2D (3x3 conv, stride 2, padding 1) and Upsample2D (nearest 2x, then 3x3 conv).
Tensor downsample(const BlockContext& c, const std::string& prefix, const Tensor& x);
Tensor upsample(const BlockContext& c, const std::string& prefix, const Tensor& x);

// Conv2d named `prefix` with "same" padding for odd kernels.
Tensor conv(const BlockContext& c, const std::string& prefix, const Tensor& x, int stride = 1);

}  // namespace gpuq
