#include "models/wan_vae.h"

#include <algorithm>
#include <cmath>

#include "util/error.h"

namespace gpuq {

WanVaeConfig WanVaeConfig::from_json(const json::Value& cfg) {
  WanVaeConfig c;
  c.base_dim = cfg.int_or("base_dim", 96);
  c.z_dim = cfg.int_or("z_dim", 16);
  c.num_res_blocks = cfg.int_or("num_res_blocks", 2);
  if (const json::Value* v = cfg.find("dim_mult"); v && v->is_array()) {
    c.dim_mult.clear();
    for (const auto& m : v->as_array()) c.dim_mult.push_back(m.as_int());
  }
  if (const json::Value* v = cfg.find("temperal_downsample"); v && v->is_array()) {
    c.temporal_downsample.clear();
    for (const auto& m : v->as_array()) c.temporal_downsample.push_back(m.as_bool());
  }
  for (auto [key, out] : {std::pair<const char*, std::vector<float>*>{"latents_mean", &c.latents_mean},
                          {"latents_std", &c.latents_std}}) {
    const json::Value* v = cfg.find(key);
    check(v && v->is_array() && static_cast<int64_t>(v->as_array().size()) == c.z_dim, ErrorCode::BadFormat,
          std::string("WAN VAE config: ") + key + " must list z_dim values");
    for (const auto& m : v->as_array()) out->push_back(static_cast<float>(m.as_number()));
  }
  check(!cfg.bool_or("is_residual", false), ErrorCode::Unsupported, "WAN 2.2 residual VAE");
  check(c.temporal_downsample.size() + 1 == c.dim_mult.size(), ErrorCode::BadFormat,
        "WAN VAE config: temperal_downsample needs len(dim_mult) - 1 entries");
  return c;
}

Tensor wan_latents_to_vae_input(const Tensor& latents, const WanVaeConfig& cfg) {
  Tensor x = latents.to_f32();
  check(x.ndim() == 5 && x.dim(1) == cfg.z_dim, ErrorCode::InvalidArgument,
        "WAN VAE: latents " + shape_str(x.shape()));
  Tensor z = Tensor::empty(x.shape());
  const int64_t c = x.dim(1), inner = x.numel() / (x.dim(0) * c);
  for (int64_t i = 0; i < x.numel(); ++i) {
    const int64_t ch = (i / inner) % c;
    const float inv_std = 1.0f / cfg.latents_std[ch];  // the pipeline divides by 1 / std
    z.f32()[i] = x.f32()[i] / inv_std + cfg.latents_mean[ch];
  }
  return z;
}

Tensor wan_vae_output_to_latents(const Tensor& mu, const WanVaeConfig& cfg) {
  Tensor x = mu.to_f32();
  check(x.ndim() == 5 && x.dim(1) == cfg.z_dim, ErrorCode::InvalidArgument, "WAN VAE: mu " + shape_str(x.shape()));
  Tensor z = Tensor::empty(x.shape());
  const int64_t c = x.dim(1), inner = x.numel() / (x.dim(0) * c);
  for (int64_t i = 0; i < x.numel(); ++i) {
    const int64_t ch = (i / inner) % c;
    const float inv_std = 1.0f / cfg.latents_std[ch];  // the pipeline multiplies by 1 / std
    z.f32()[i] = (x.f32()[i] - cfg.latents_mean[ch]) * inv_std;
  }
  return z;
}

WanVaeDecoder::WanVaeDecoder(Weights weights, Backend& backend)
    : weights_(std::move(weights)),
      be_(backend),
      cfg_(WanVaeConfig::from_json(weights_.config())),
      blocks_(weights_, backend) {}

Tensor WanVaeDecoder::upsample(const std::string& p, const Tensor& x_in, bool temporal, Cache& cache) const {
  Tensor x = x_in;
  if (temporal) {
    const size_t slot = cache.next_slot();
    if (!cache.rep[slot] && !cache.slots[slot].defined()) {
      // First chunk: no temporal doubling (one latent frame gives one video frame).
      cache.rep[slot] = true;
    } else {
      const int64_t t = x.dim(2);
      Tensor next = be_.narrow(x, 2, std::max<int64_t>(0, t - 2), std::min<int64_t>(2, t));
      if (next.dim(2) < 2) {
        Tensor prev = cache.slots[slot].defined()
                          ? be_.narrow(cache.slots[slot], 2, cache.slots[slot].dim(2) - 1, 1)
                          : be_.upload(Tensor::zeros(next.shape()));  // after "Rep": a zero frame
        next = be_.concat(prev, next, 2);
      }
      // After "Rep" the convolution pads with zeros; later it uses the cached frames.
      x = blocks_.causal_conv(p + ".time_conv", x, cache.slots[slot].defined() ? &cache.slots[slot] : nullptr);
      cache.slots[slot] = next;
      cache.rep[slot] = false;
      // [b, 2c, t, h, w] -> [b, 2, c, t, h, w] -> [b, c, t, 2, h, w]: the two halves interleave in time.
      const int64_t b = x.dim(0), c2 = x.dim(1), h = x.dim(3), w = x.dim(4);
      x = be_.permute(x.reshape({b, 2, c2 / 2, t, h, w}), {0, 2, 3, 1, 4, 5}).reshape({b, c2 / 2, 2 * t, h, w});
    }
  }
  // Nearest 2x per frame, then the 3x3 convolution as a (1, 3, 3) one.
  const int64_t b = x.dim(0), c = x.dim(1), t = x.dim(2), h = x.dim(3), w = x.dim(4);
  x = be_.upsample_nearest2x(x.reshape({b, c * t, h, w})).reshape({b, c, t, 2 * h, 2 * w});
  return blocks_.frame_conv(p + ".resample.1", x, 1, 1);
}

Tensor WanVaeDecoder::decoder_chunk(const Tensor& z, Cache& cache) const {
  cache.begin_chunk();
  Tensor x = blocks_.cached_conv("decoder.conv_in", z, cache);
  x = blocks_.mid_block("decoder.mid_block", x, cache);
  // Up blocks mirror the encoder: temporal upsampling where it downsampled, in reverse order.
  const size_t levels = cfg_.dim_mult.size();
  for (size_t i = 0; i < levels; ++i) {
    const std::string p = "decoder.up_blocks." + std::to_string(i);
    for (int64_t j = 0; j <= cfg_.num_res_blocks; ++j) x = blocks_.residual_block(p + ".resnets." + std::to_string(j), x, cache);
    if (i + 1 < levels) x = upsample(p + ".upsamplers.0", x, cfg_.temporal_downsample[levels - 2 - i], cache);
  }
  x = be_.rms_norm_channels(x, weights_.get("decoder.norm_out.gamma"), weights_.find("decoder.norm_out.bias"), true);
  return blocks_.cached_conv("decoder.conv_out", x, cache);
}

Tensor WanVaeDecoder::decode(const Tensor& z_in, Trace* trace) const {
  check(z_in.ndim() == 5 && z_in.dim(1) == cfg_.z_dim, ErrorCode::InvalidArgument,
        "WAN VAE: z " + shape_str(z_in.shape()) + ", expected [B, " + std::to_string(cfg_.z_dim) + ", T, h, w]");
  Tensor x = blocks_.causal_conv("post_quant_conv", be_.upload(z_in), nullptr);
  if (trace) (*trace)["post_quant_conv"] = be_.download(x);
  Cache cache;
  Tensor video;
  for (int64_t i = 0; i < x.dim(2); ++i) {
    Tensor out = decoder_chunk(be_.narrow(x, 2, i, 1), cache);
    if (trace) (*trace)["decoder_chunk." + std::to_string(i)] = be_.download(out);
    video = video.defined() ? be_.concat(video, out, 2) : out;
  }
  Tensor v = be_.download(video).to_f32(true);
  for (int64_t i = 0; i < v.numel(); ++i) v.f32()[i] = std::min(1.0f, std::max(-1.0f, v.f32()[i]));
  return v;
}

}  // namespace gpuq
