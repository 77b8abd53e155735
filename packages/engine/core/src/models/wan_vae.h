// AutoencoderKLWan decoder (WAN 2.1's causal 3D VAE), driven by vae/config.json. It decodes one
// latent frame at a time, as diffusers does: every causal convolution keeps the last two frames
// of its input in a cache slot, so latent frame 0 gives 1 video frame and each later one gives
// 4 (two temporal 2x upsamplers), with exactly the reference's zero padding and cache contents.
// The encoder half is WanVaeEncoder (wan_vae_encoder.h), on the same weights.
// Input: z [B, z_dim, T, h, w] (already un-normalised: latents * std + mean). Output: video
// [B, 3, 1 + 4 (T - 1), 8h, 8w], clamped to [-1, 1].
// Trace names: post_quant_conv, decoder_chunk.i (decoder output of latent frame i, not clamped).
// Errors: Unsupported for the WAN 2.2 residual VAE (is_residual) and attention in the up blocks.
#pragma once

#include <vector>

#include "models/wan_vae_blocks.h"

namespace gpuq {

struct WanVaeConfig {
  int64_t base_dim = 96, z_dim = 16, num_res_blocks = 2;
  std::vector<int64_t> dim_mult{1, 2, 4, 4};
  std::vector<bool> temporal_downsample{false, true, true};
  std::vector<float> latents_mean, latents_std;  // z_dim values each
  static WanVaeConfig from_json(const json::Value& cfg);
};

// The normalised latents WanImageToVideoPipeline conditions on: (mu - mean) * (1 / std) per
// channel, float32 as torch computes it. [B, z_dim, T, h, w] CPU tensors.
Tensor wan_vae_output_to_latents(const Tensor& mu, const WanVaeConfig& cfg);

// The VAE input the pipeline forms: latents / (1 / std) + mean per channel, in float32 as torch
// computes it. [B, z_dim, T, h, w] CPU tensors.
Tensor wan_latents_to_vae_input(const Tensor& latents, const WanVaeConfig& cfg);

class WanVaeDecoder {
 public:
  WanVaeDecoder(Weights weights, Backend& backend);
  WanVaeDecoder(const WanVaeDecoder&) = delete;  // blocks_ refers to weights_
  WanVaeDecoder& operator=(const WanVaeDecoder&) = delete;
  const WanVaeConfig& config() const { return cfg_; }

  Tensor decode(const Tensor& z, Trace* trace = nullptr) const;
  // The whole vae/ folder (encoder weights included), for WanVaeEncoder.
  const Weights& weights() const { return weights_; }

 private:
  using Cache = WanCausalBlocks::Cache;
  Tensor decoder_chunk(const Tensor& x, Cache& cache) const;
  Tensor upsample(const std::string& prefix, const Tensor& x, bool temporal, Cache& cache) const;

  Weights weights_;
  Backend& be_;
  WanVaeConfig cfg_;
  WanCausalBlocks blocks_;
};

}  // namespace gpuq
