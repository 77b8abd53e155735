// AutoencoderKLWan encoder (WAN 2.1's causal 3D VAE), as WanImageToVideoPipeline uses it to encode
// its conditioning video: conv_in, the down blocks (residual blocks, then per level a spatial
// 'downsample2d' — zero pad right / bottom, 3x3 stride-2 conv — or a 'downsample3d' that adds a
// stride-2 causal time convolution, per temperal_downsample), the mid block, RMS norm + SiLU,
// conv_out to 2 z_dim channels and quant_conv; the result is the mean (the first z_dim channels),
// which is what the pipeline's retrieve_latents(sample_mode="argmax") takes.
// Encoding is chunked like diffusers' _encode: frame 0 alone, then chunks of 4 frames, with the
// causal caches carried between chunks, so latent frame i depends only on pixel frames <= 4i.
// Input: video [B, 3, 1 + 4k, H, W] in [-1, 1]. Output: mu [B, z_dim, 1 + k, H / 8, W / 8]
// (for Wan 2.1's three downsamples; odd sizes round like the reference's padding).
// Trace names: encoder_chunk.i (encoder output of chunk i, before quant_conv), quant_conv.
// Errors: InvalidArgument on shapes (frames not 1 + 4k); NotFound when the checkpoint lacks the
// encoder's weights.
#pragma once

#include "models/wan_vae.h"
#include "models/wan_vae_blocks.h"

namespace gpuq {

class WanVaeEncoder {
 public:
  // `weights`: the vae/ folder (WanVaeDecoder::weights()); must outlive the encoder.
  WanVaeEncoder(const Weights& weights, Backend& backend);
  const WanVaeConfig& config() const { return cfg_; }

  // Frames per chunk after the first: diffusers' _encode hard-codes 4.
  static constexpr int64_t kChunkFrames = 4;

  Tensor encode(const Tensor& video, Trace* trace = nullptr) const;

 private:
  using Cache = WanCausalBlocks::Cache;
  Tensor encoder_chunk(const Tensor& x, Cache& cache) const;
  Tensor downsample(const std::string& prefix, const Tensor& x, bool temporal, Cache& cache) const;

  const Weights& weights_;
  Backend& be_;
  WanVaeConfig cfg_;
  WanCausalBlocks blocks_;
};

}  // namespace gpuq
