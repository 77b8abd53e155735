#include "models/wan_vae_encoder.h"

#include "util/error.h"

namespace gpuq {

WanVaeEncoder::WanVaeEncoder(const Weights& weights, Backend& backend)
    : weights_(weights), be_(backend), cfg_(WanVaeConfig::from_json(weights.config())), blocks_(weights, backend) {
  const json::Value* attn = weights_.config().find("attn_scales");
  check(!attn || !attn->is_array() || attn->as_array().empty(), ErrorCode::Unsupported,
        "WAN VAE encoder: attention in the down blocks (attn_scales)");
  check(weights_.has("encoder.conv_in.weight") && weights_.has("quant_conv.weight"), ErrorCode::NotFound,
        "WAN VAE: the checkpoint has no encoder weights (encoder.conv_in, quant_conv), needed for image conditioning");
}

Tensor WanVaeEncoder::downsample(const std::string& p, const Tensor& x_in, bool temporal, Cache& cache) const {
  // ZeroPad2d((0, 1, 0, 1)) then a 3x3 stride-2 conv, frame by frame.
  Tensor x = x_in;
  for (int dim : {3, 4}) {
    Shape s = x.shape();
    s[dim] = 1;
    x = be_.concat(x, be_.upload(Tensor::zeros(s)), dim);
  }
  x = blocks_.frame_conv(p + ".resample.1", x, 2, 0);
  if (!temporal) return x;
  // The time convolution (kernel 3, stride 2, no padding) runs over the previous chunk's last
  // frame and this chunk; the first chunk only fills the cache (its frame passes unchanged).
  Tensor& slot = cache.slots[cache.next_slot()];
  if (!slot.defined()) {
    slot = x;
    return x;
  }
  const int64_t t = x.dim(2);
  Tensor next = be_.narrow(x, 2, t - 1, 1);
  Tensor in = be_.concat(be_.narrow(slot, 2, slot.dim(2) - 1, 1), x, 2);
  check(in.dim(2) >= 3, ErrorCode::InvalidArgument, "WAN VAE encoder: a temporal downsample needs 2+ new frames");
  x = be_.conv3d(in, weights_.get(p + ".time_conv.weight"), weights_.find(p + ".time_conv.bias"), {2, 1, 1},
                 {0, 0, 0});
  slot = next;
  return x;
}

Tensor WanVaeEncoder::encoder_chunk(const Tensor& video, Cache& cache) const {
  cache.begin_chunk();
  Tensor x = blocks_.cached_conv("encoder.conv_in", video, cache);
  // down_blocks is one flat list: per level num_res_blocks residual blocks, then (except the last
  // level) one resample.
  int64_t k = 0;
  const size_t levels = cfg_.dim_mult.size();
  for (size_t i = 0; i < levels; ++i) {
    for (int64_t j = 0; j < cfg_.num_res_blocks; ++j)
      x = blocks_.residual_block("encoder.down_blocks." + std::to_string(k++), x, cache);
    if (i + 1 < levels)
      x = downsample("encoder.down_blocks." + std::to_string(k++), x, cfg_.temporal_downsample[i], cache);
  }
  x = blocks_.mid_block("encoder.mid_block", x, cache);
  x = be_.rms_norm_channels(x, weights_.get("encoder.norm_out.gamma"), weights_.find("encoder.norm_out.bias"), true);
  return blocks_.cached_conv("encoder.conv_out", x, cache);
}

Tensor WanVaeEncoder::encode(const Tensor& video_in, Trace* trace) const {
  check(video_in.ndim() == 5 && video_in.dim(1) == 3 && video_in.dim(2) >= 1 &&
            (video_in.dim(2) - 1) % kChunkFrames == 0,
        ErrorCode::InvalidArgument,
        "WAN VAE encoder: video " + shape_str(video_in.shape()) + ", expected [B, 3, 1 + 4k, H, W]");
  Tensor video = be_.upload(video_in);
  Cache cache;
  Tensor out;
  const int64_t frames = video.dim(2);
  for (int64_t start = 0, i = 0; start < frames; start += (start == 0 ? 1 : kChunkFrames), ++i) {
    const int64_t n = start == 0 ? 1 : kChunkFrames;
    Tensor y = encoder_chunk(be_.narrow(video, 2, start, n), cache);
    if (trace) (*trace)["encoder_chunk." + std::to_string(i)] = be_.download(y);
    out = out.defined() ? be_.concat(out, y, 2) : y;
  }
  Tensor enc = blocks_.causal_conv("quant_conv", out, nullptr);
  if (trace) (*trace)["quant_conv"] = be_.download(enc);
  return be_.download(be_.narrow(enc, 1, 0, cfg_.z_dim));
}

}  // namespace gpuq
