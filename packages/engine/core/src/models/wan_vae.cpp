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

WanVaeDecoder::WanVaeDecoder(Weights weights, Backend& backend)
    : weights_(std::move(weights)), be_(backend), cfg_(WanVaeConfig::from_json(weights_.config())) {}

Tensor WanVaeDecoder::causal_conv(const std::string& prefix, const Tensor& x, const Tensor* cache) const {
  const Tensor& w = weights_.get(prefix + ".weight");
  const int kt = static_cast<int>(w.dim(2)), kh = static_cast<int>(w.dim(3));
  // Padding (kt-1 frames in front, (k-1)/2 around in space), the cached frames taking the place of
  // as many leading zero frames.
  Tensor in = x;
  int front = kt - 1;
  if (front > 0 && cache && cache->defined()) {
    in = be_.concat(*cache, in, 2);
    front -= static_cast<int>(cache->dim(2));
  }
  if (front > 0) {
    Shape s = in.shape();
    s[2] = front;
    in = be_.concat(be_.upload(Tensor::zeros(s)), in, 2);
  }
  return be_.conv3d(in, w, weights_.find(prefix + ".bias"), {1, 1, 1}, {0, kh / 2, kh / 2});
}

Tensor WanVaeDecoder::cached_conv(const std::string& prefix, const Tensor& x, Cache& cache) const {
  if (cache.idx >= cache.slots.size()) {
    cache.slots.resize(cache.idx + 1);
    cache.rep.resize(cache.idx + 1, false);
  }
  Tensor& slot = cache.slots[cache.idx++];
  // The next chunk's cache: the last two input frames, or the old cache's last frame plus this one.
  const int64_t t = x.dim(2);
  Tensor next = be_.narrow(x, 2, std::max<int64_t>(0, t - 2), std::min<int64_t>(2, t));
  if (next.dim(2) < 2 && slot.defined()) next = be_.concat(be_.narrow(slot, 2, slot.dim(2) - 1, 1), next, 2);
  Tensor y = causal_conv(prefix, x, &slot);
  slot = next;
  return y;
}

Tensor WanVaeDecoder::residual_block(const std::string& p, const Tensor& x, Cache& cache) const {
  Tensor h = weights_.has(p + ".conv_shortcut.weight") ? causal_conv(p + ".conv_shortcut", x, nullptr) : x;
  Tensor y = be_.rms_norm_channels(x, weights_.get(p + ".norm1.gamma"), weights_.find(p + ".norm1.bias"), true);
  y = cached_conv(p + ".conv1", y, cache);
  y = be_.rms_norm_channels(y, weights_.get(p + ".norm2.gamma"), weights_.find(p + ".norm2.bias"), true);
  y = cached_conv(p + ".conv2", y, cache);
  return be_.add(y, h);
}

Tensor WanVaeDecoder::attention_block(const std::string& p, const Tensor& x) const {
  // Single-head attention over the pixels of each frame.
  const int64_t b = x.dim(0), c = x.dim(1), t = x.dim(2), h = x.dim(3), w = x.dim(4);
  Tensor f = be_.permute(x, {0, 2, 1, 3, 4}).reshape({b * t, c, h, w});
  f = be_.rms_norm_channels(f, weights_.get(p + ".norm.gamma"), weights_.find(p + ".norm.bias"), false);
  Tensor qkv = be_.nchw_to_nlc(be_.conv2d(f, weights_.get(p + ".to_qkv.weight"), weights_.find(p + ".to_qkv.bias"), 1, 0));
  Tensor a = be_.attention(be_.narrow(qkv, 2, 0, c), be_.narrow(qkv, 2, c, c), be_.narrow(qkv, 2, 2 * c, c), 1,
                           1.0f / std::sqrt(static_cast<float>(c)), false);
  f = be_.conv2d(be_.nlc_to_nchw(a, h, w), weights_.get(p + ".proj.weight"), weights_.find(p + ".proj.bias"), 1, 0);
  return be_.add(be_.permute(f.reshape({b, t, c, h, w}), {0, 2, 1, 3, 4}), x);
}

Tensor WanVaeDecoder::upsample(const std::string& p, const Tensor& x_in, bool temporal, Cache& cache) const {
  Tensor x = x_in;
  if (temporal) {
    if (cache.idx >= cache.slots.size()) {
      cache.slots.resize(cache.idx + 1);
      cache.rep.resize(cache.idx + 1, false);
    }
    const size_t slot = cache.idx++;
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
      x = causal_conv(p + ".time_conv", x, cache.slots[slot].defined() ? &cache.slots[slot] : nullptr);
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
  const Tensor& k = weights_.get(p + ".resample.1.weight");
  return be_.conv3d(x, k.reshape({k.dim(0), k.dim(1), 1, k.dim(2), k.dim(3)}), weights_.find(p + ".resample.1.bias"),
                    {1, 1, 1}, {0, 1, 1});
}

Tensor WanVaeDecoder::decoder_chunk(const Tensor& z, Cache& cache) const {
  cache.begin_chunk();
  Tensor x = cached_conv("decoder.conv_in", z, cache);
  x = residual_block("decoder.mid_block.resnets.0", x, cache);
  x = attention_block("decoder.mid_block.attentions.0", x);
  x = residual_block("decoder.mid_block.resnets.1", x, cache);
  // Up blocks mirror the encoder: temporal upsampling where it downsampled, in reverse order.
  const size_t levels = cfg_.dim_mult.size();
  for (size_t i = 0; i < levels; ++i) {
    const std::string p = "decoder.up_blocks." + std::to_string(i);
    for (int64_t j = 0; j <= cfg_.num_res_blocks; ++j) x = residual_block(p + ".resnets." + std::to_string(j), x, cache);
    if (i + 1 < levels) x = upsample(p + ".upsamplers.0", x, cfg_.temporal_downsample[levels - 2 - i], cache);
  }
  x = be_.rms_norm_channels(x, weights_.get("decoder.norm_out.gamma"), weights_.find("decoder.norm_out.bias"), true);
  return cached_conv("decoder.conv_out", x, cache);
}

Tensor WanVaeDecoder::decode(const Tensor& z_in, Trace* trace) const {
  check(z_in.ndim() == 5 && z_in.dim(1) == cfg_.z_dim, ErrorCode::InvalidArgument,
        "WAN VAE: z " + shape_str(z_in.shape()) + ", expected [B, " + std::to_string(cfg_.z_dim) + ", T, h, w]");
  Tensor x = causal_conv("post_quant_conv", be_.upload(z_in), nullptr);
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
