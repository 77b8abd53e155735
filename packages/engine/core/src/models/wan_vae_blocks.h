// The causal building blocks AutoencoderKLWan's encoder and decoder share: causal 3D convolutions
// with the per-convolution frame cache diffusers keeps between chunks (feat_cache), WanResidualBlock
// and the per-frame WanAttentionBlock. Video is processed a chunk of frames at a time; each cached
// convolution remembers the last two frames of its input, so chunked processing equals one causal
// pass over the whole video.
// Errors: NotFound when a weight is missing (from Weights::get).
#pragma once

#include <string>
#include <vector>

#include "models/blocks.h"

namespace gpuq {

class WanCausalBlocks {
 public:
  // One cache slot per cached module, in call order (reset with begin_chunk before each chunk);
  // `rep` marks a decoder upsampler that has seen its first chunk (diffusers' "Rep" placeholder).
  struct Cache {
    std::vector<Tensor> slots;
    std::vector<bool> rep;
    size_t idx = 0;
    void begin_chunk() { idx = 0; }
    // The next slot in call order, created empty on the first chunk.
    size_t next_slot();
  };

  WanCausalBlocks(const Weights& weights, Backend& backend) : w_(weights), be_(backend) {}

  // WanCausalConv3d `prefix` (stride 1): kt - 1 frames of causal padding in front, of which the
  // cached frames (when given) take the place of as many leading zero frames; (k - 1) / 2 around
  // in space.
  Tensor causal_conv(const std::string& prefix, const Tensor& x, const Tensor* cache) const;
  // causal_conv with the next slot of `cache`, which then holds this input's last two frames.
  Tensor cached_conv(const std::string& prefix, const Tensor& x, Cache& cache) const;
  // WanResidualBlock: RMS norm, SiLU, conv1, RMS norm, SiLU, conv2, plus the (1x1x1 projected)
  // input.
  Tensor residual_block(const std::string& prefix, const Tensor& x, Cache& cache) const;
  // WanAttentionBlock: single-head attention over the pixels of each frame, plus the input.
  Tensor attention_block(const std::string& prefix, const Tensor& x) const;
  // WanMidBlock with one attention: resnets.0, attentions.0, resnets.1.
  Tensor mid_block(const std::string& prefix, const Tensor& x, Cache& cache) const;
  // A Conv2d named `prefix` applied to every frame of [B, C, T, H, W] (as a (1, k, k) 3D kernel).
  Tensor frame_conv(const std::string& prefix, const Tensor& x, int stride, int pad) const;

 private:
  const Weights& w_;
  Backend& be_;
};

}  // namespace gpuq
