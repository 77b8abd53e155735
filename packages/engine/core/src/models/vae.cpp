#include "models/vae.h"

#include "util/error.h"

namespace gpuq {

VaeConfig VaeConfig::from_json(const json::Value& cfg) {
  VaeConfig c;
  c.block_out_channels = cfg.at("block_out_channels").int_list();
  c.latent_channels = cfg.int_or("latent_channels", 4);
  c.out_channels = cfg.int_or("out_channels", 3);
  c.layers_per_block = cfg.int_or("layers_per_block", 1);
  c.norm_groups = cfg.int_or("norm_num_groups", 32);
  c.scaling_factor = static_cast<float>(cfg.number_or("scaling_factor", 0.18215));
  if (const json::Value* s = cfg.find("shift_factor"); s && !s->is_null()) {
    c.has_shift = true;
    c.shift_factor = static_cast<float>(s->as_number());
  }
  c.use_post_quant_conv = cfg.bool_or("use_post_quant_conv", true);
  c.mid_attention = cfg.bool_or("mid_block_add_attention", true);
  const json::Value* mean = cfg.find("latents_mean");
  const json::Value* stdv = cfg.find("latents_std");
  if (mean && stdv && !mean->is_null() && !stdv->is_null()) {
    c.has_latents_stats = true;
    for (const auto& v : mean->as_array()) c.latents_mean.push_back(static_cast<float>(v.as_number()));
    for (const auto& v : stdv->as_array()) c.latents_std.push_back(static_cast<float>(v.as_number()));
  }
  for (const auto& t : cfg.at("up_block_types").string_list())
    check(t == "UpDecoderBlock2D", ErrorCode::Unsupported, "VAE up block " + t);
  return c;
}

VaeDecoder::VaeDecoder(Weights weights, Backend& backend)
    : weights_(std::move(weights)), be_(backend), cfg_(VaeConfig::from_json(weights_.config())) {}

Tensor VaeDecoder::decode(const Tensor& z, Trace* trace) const {
  BlockContext c{be_, weights_, trace};
  check(z.ndim() == 4 && z.dim(1) == cfg_.latent_channels, ErrorCode::InvalidArgument,
        "VAE: latents " + shape_str(z.shape()) + " do not have " + std::to_string(cfg_.latent_channels) +
            " channels");
  const int groups = static_cast<int>(cfg_.norm_groups);
  const float eps = 1e-6f;  // diffusers' VAE uses 1e-6 in every norm
  Tensor h = z;
  if (cfg_.use_post_quant_conv && weights_.has("post_quant_conv.weight")) {
    h = conv(c, "post_quant_conv", h);
    c.record("post_quant_conv", h);
  }
  h = conv(c, "decoder.conv_in", h);
  c.record("decoder.conv_in", h);

  h = resnet_block(c, "decoder.mid_block.resnets.0", h, Tensor(), groups, eps);
  if (cfg_.mid_attention) {
    const std::string p = "decoder.mid_block.attentions.0";
    Tensor n = be_.group_norm(h, groups, weights_.get(p + ".group_norm.weight"),
                              weights_.get(p + ".group_norm.bias"), eps, false);
    const int64_t hh = h.dim(2), ww = h.dim(3);
    Tensor a = attention_module(c, p, be_.nchw_to_nlc(n), Tensor(), 1);
    h = be_.add(be_.nlc_to_nchw(a, hh, ww), h);
    c.record("module." + p, h);
  }
  h = resnet_block(c, "decoder.mid_block.resnets.1", h, Tensor(), groups, eps);
  c.record("decoder.mid_block", h);

  const size_t blocks = cfg_.block_out_channels.size();
  for (size_t i = 0; i < blocks; ++i) {
    const std::string p = "decoder.up_blocks." + std::to_string(i);
    for (int64_t j = 0; j <= cfg_.layers_per_block; ++j)
      h = resnet_block(c, p + ".resnets." + std::to_string(j), h, Tensor(), groups, eps);
    if (i + 1 < blocks) h = upsample(c, p + ".upsamplers.0", h);
    c.record(p, h);
  }
  h = be_.group_norm(h, groups, weights_.get("decoder.conv_norm_out.weight"),
                     weights_.get("decoder.conv_norm_out.bias"), eps, false);
  c.record("decoder.conv_norm_out", h);
  h = be_.activation(h, Activation::SiLU);
  h = conv(c, "decoder.conv_out", h);
  c.record("image", h);
  return h;
}

}  // namespace gpuq
