#include "models/blocks.h"

#include <cmath>

namespace gpuq {

Tensor conv(const BlockContext& c, const std::string& prefix, const Tensor& x, int stride) {
  const Tensor& w = c.get(prefix + ".weight");
  int pad = static_cast<int>(w.dim(2) / 2);
  return c.be.conv2d(x, w, c.find(prefix + ".bias"), stride, pad);
}

Tensor resnet_block(const BlockContext& c, const std::string& prefix, const Tensor& x, const Tensor& temb,
                    int groups, float eps, float out_scale) {
  const std::string p = prefix + ".";
  Tensor h = c.be.group_norm(x, groups, c.get(p + "norm1.weight"), c.get(p + "norm1.bias"), eps, true);
  h = conv(c, p + "conv1", h);
  if (temb.defined() && c.find(p + "time_emb_proj.weight")) {
    Tensor t = c.be.activation(temb, Activation::SiLU);
    t = c.be.linear(t, c.get(p + "time_emb_proj.weight"), c.find(p + "time_emb_proj.bias"));
    h = c.be.add_channel_bias(h, t);
  }
  h = c.be.group_norm(h, groups, c.get(p + "norm2.weight"), c.get(p + "norm2.bias"), eps, true);
  h = conv(c, p + "conv2", h);
  Tensor shortcut = c.find(p + "conv_shortcut.weight") ? conv(c, p + "conv_shortcut", x) : x;
  Tensor out = out_scale == 1.0f ? c.be.add(shortcut, h) : c.be.axpby(1.0f / out_scale, shortcut, 1.0f / out_scale, h);
  c.record("module." + prefix, out);
  return out;
}

Tensor attention_module(const BlockContext& c, const std::string& prefix, const Tensor& x, const Tensor& context,
                        int64_t heads) {
  const std::string p = prefix + ".";
  const Tensor& kv_in = context.defined() ? context : x;
  Tensor q = c.be.linear(x, c.get(p + "to_q.weight"), c.find(p + "to_q.bias"));
  Tensor k, v;
  auto* cached = context.defined() && c.kv_cache ? &c.kv_cache->kv[prefix] : nullptr;
  if (cached && cached->first.defined()) {
    k = cached->first;
    v = cached->second;
  } else {
    k = c.be.linear(kv_in, c.get(p + "to_k.weight"), c.find(p + "to_k.bias"));
    v = c.be.linear(kv_in, c.get(p + "to_v.weight"), c.find(p + "to_v.bias"));
    if (cached) *cached = {k, v};
  }
  float scale = 1.0f / std::sqrt(static_cast<float>(q.dim(-1) / heads));
  Tensor a = c.be.attention(q, k, v, static_cast<int>(heads), scale, false);
  return c.be.linear(a, c.get(p + "to_out.0.weight"), c.find(p + "to_out.0.bias"));
}

namespace {
Tensor transformer_block(const BlockContext& c, const std::string& p, const Tensor& x, const Tensor& context,
                         int64_t heads) {
  auto ln = [&](const std::string& n, const Tensor& t) {
    return c.be.layer_norm(t, c.get(p + n + ".weight"), c.find(p + n + ".bias"), 1e-5f);
  };
  Tensor h = c.be.add(x, attention_module(c, p + "attn1", ln("norm1", x), Tensor(), heads));
  h = c.be.add(h, attention_module(c, p + "attn2", ln("norm2", h), context, heads));
  Tensor ff = c.be.linear(ln("norm3", h), c.get(p + "ff.net.0.proj.weight"), c.find(p + "ff.net.0.proj.bias"));
  ff = c.be.geglu(ff);
  ff = c.be.linear(ff, c.get(p + "ff.net.2.weight"), c.find(p + "ff.net.2.bias"));
  return c.be.add(h, ff);
}
}  // namespace

Tensor spatial_transformer(const BlockContext& c, const std::string& prefix, const Tensor& x, const Tensor& context,
                           int64_t heads, int64_t layers, int groups, bool linear_projection) {
  const std::string p = prefix + ".";
  const int64_t h = x.dim(2), w = x.dim(3);
  Tensor t = c.be.group_norm(x, groups, c.get(p + "norm.weight"), c.get(p + "norm.bias"), 1e-6f, false);
  if (linear_projection) {
    t = c.be.nchw_to_nlc(t);
    t = c.be.linear(t, c.get(p + "proj_in.weight"), c.find(p + "proj_in.bias"));
  } else {
    t = c.be.nchw_to_nlc(conv(c, p + "proj_in", t));
  }
  for (int64_t i = 0; i < layers; ++i)
    t = transformer_block(c, p + "transformer_blocks." + std::to_string(i) + ".", t, context, heads);
  if (linear_projection) {
    t = c.be.linear(t, c.get(p + "proj_out.weight"), c.find(p + "proj_out.bias"));
    t = c.be.nlc_to_nchw(t, h, w);
  } else {
    t = conv(c, p + "proj_out", c.be.nlc_to_nchw(t, h, w));
  }
  Tensor out = c.be.add(t, x);
  c.record("module." + prefix, out);
  return out;
}

Tensor downsample(const BlockContext& c, const std::string& prefix, const Tensor& x) {
  Tensor out = conv(c, prefix + ".conv", x, 2);
  c.record("module." + prefix, out);
  return out;
}

Tensor upsample(const BlockContext& c, const std::string& prefix, const Tensor& x) {
  Tensor out = conv(c, prefix + ".conv", c.be.upsample_nearest2x(x));
  c.record("module." + prefix, out);
  return out;
}

}  // namespace gpuq
