#include "models/wan_param_specs.h"

namespace gpuq {

namespace {

struct Specs {
  ParamSpecs out;
  Specs& add(const std::string& name, Shape s) {
    out.emplace_back(name, std::move(s));
    return *this;
  }
  // A linear / conv layer: weight [out, in, ...kernel] and, when `bias`, bias [out].
  Specs& layer(const std::string& p, Shape weight, bool bias = true) {
    const int64_t rows = weight[0];
    add(p + ".weight", std::move(weight));
    if (bias) add(p + ".bias", {rows});
    return *this;
  }
  Specs& norm(const std::string& p, int64_t c) { return add(p + ".weight", {c}).add(p + ".bias", {c}); }
};

}  // namespace

ParamSpecs wan_transformer_param_specs(const WanTransformerConfig& cfg) {
  Specs s;
  const int64_t d = cfg.dim(), ffn = cfg.ffn_dim;
  s.layer("patch_embedding", {d, cfg.in_channels, cfg.patch[0], cfg.patch[1], cfg.patch[2]});
  const std::string c = "condition_embedder";
  s.layer(c + ".time_embedder.linear_1", {d, cfg.freq_dim}).layer(c + ".time_embedder.linear_2", {d, d});
  s.layer(c + ".time_proj", {6 * d, d});
  s.layer(c + ".text_embedder.linear_1", {d, cfg.text_dim}).layer(c + ".text_embedder.linear_2", {d, d});
  if (cfg.image_conditioned()) {
    const int64_t img = cfg.image_dim;
    s.norm(c + ".image_embedder.norm1", img);
    s.layer(c + ".image_embedder.ff.net.0.proj", {img, img}).layer(c + ".image_embedder.ff.net.2", {d, img});
    s.norm(c + ".image_embedder.norm2", d);
  }
  for (int64_t i = 0; i < cfg.layers; ++i) {
    const std::string b = "blocks." + std::to_string(i);
    s.add(b + ".scale_shift_table", {1, 6, d});
    for (const char* attn : {".attn1", ".attn2"}) {
      for (const char* m : {".to_q", ".to_k", ".to_v", ".to_out.0"}) s.layer(b + attn + m, {d, d});
      if (cfg.qk_norm) s.add(b + attn + ".norm_q.weight", {d}).add(b + attn + ".norm_k.weight", {d});
    }
    if (cfg.image_conditioned()) {
      s.layer(b + ".attn2.add_k_proj", {d, d}).layer(b + ".attn2.add_v_proj", {d, d});
      if (cfg.qk_norm) s.add(b + ".attn2.norm_added_k.weight", {d});
    }
    if (cfg.cross_attn_norm) s.norm(b + ".norm2", d);
    s.layer(b + ".ffn.net.0.proj", {ffn, d}).layer(b + ".ffn.net.2", {d, ffn});
  }
  s.layer("proj_out", {cfg.out_channels * cfg.patch[0] * cfg.patch[1] * cfg.patch[2], d});
  s.add("scale_shift_table", {1, 2, d});
  return s.out;
}

ParamSpecs wan_vae_param_specs(const WanVaeConfig& cfg) {
  Specs s;
  const int64_t z = cfg.z_dim;
  auto resnet = [&](const std::string& p, int64_t cin, int64_t cout) {
    s.add(p + ".norm1.gamma", {cin, 1, 1, 1}).layer(p + ".conv1", {cout, cin, 3, 3, 3});
    s.add(p + ".norm2.gamma", {cout, 1, 1, 1}).layer(p + ".conv2", {cout, cout, 3, 3, 3});
    if (cin != cout) s.layer(p + ".conv_shortcut", {cout, cin, 1, 1, 1});
  };
  auto mid = [&](const std::string& p, int64_t dim) {
    resnet(p + ".resnets.0", dim, dim);
    s.add(p + ".attentions.0.norm.gamma", {dim, 1, 1});
    s.layer(p + ".attentions.0.to_qkv", {3 * dim, dim, 1, 1}).layer(p + ".attentions.0.proj", {dim, dim, 1, 1});
    resnet(p + ".resnets.1", dim, dim);
  };
  std::vector<int64_t> dims{cfg.base_dim};
  for (int64_t m : cfg.dim_mult) dims.push_back(cfg.base_dim * m);
  const size_t levels = cfg.dim_mult.size();
  // Encoder: each level's resnets then its downsample, flattened into one down_blocks list.
  s.layer("encoder.conv_in", {dims[0], 3, 3, 3, 3});
  int64_t k = 0;
  for (size_t i = 0; i < levels; ++i) {
    int64_t cin = dims[i];
    const int64_t cout = dims[i + 1];
    for (int64_t r = 0; r < cfg.num_res_blocks; ++r, cin = cout) resnet("encoder.down_blocks." + std::to_string(k++), cin, cout);
    if (i + 1 == levels) continue;
    const std::string p = "encoder.down_blocks." + std::to_string(k++);
    s.layer(p + ".resample.1", {cout, cout, 3, 3});
    if (i < cfg.temporal_downsample.size() && cfg.temporal_downsample[i]) s.layer(p + ".time_conv", {cout, cout, 3, 1, 1});
  }
  const int64_t top = dims.back();
  mid("encoder.mid_block", top);
  s.add("encoder.norm_out.gamma", {top, 1, 1, 1}).layer("encoder.conv_out", {2 * z, top, 3, 3, 3});
  s.layer("quant_conv", {2 * z, 2 * z, 1, 1, 1}).layer("post_quant_conv", {z, z, 1, 1, 1});
  // Decoder: the top width, then the levels' widths in reverse (base_dim * dim_mult[levels-1..0]);
  // each upsample halves the channels it hands on, so a level's first resnet widens them again.
  std::vector<int64_t> up{top};
  for (size_t i = levels; i > 0; --i) up.push_back(dims[i]);
  s.layer("decoder.conv_in", {up[0], z, 3, 3, 3});
  mid("decoder.mid_block", up[0]);
  int64_t cin = up[0];
  for (size_t i = 0; i < levels; ++i) {
    const int64_t cout = up[i + 1];
    const std::string p = "decoder.up_blocks." + std::to_string(i);
    for (int64_t r = 0; r <= cfg.num_res_blocks; ++r, cin = cout) resnet(p + ".resnets." + std::to_string(r), cin, cout);
    if (i + 1 == levels) continue;
    s.layer(p + ".upsamplers.0.resample.1", {cout / 2, cout, 3, 3});
    const size_t t = levels - 2 - i;  // temporal upsampling mirrors the encoder's downsampling
    if (t < cfg.temporal_downsample.size() && cfg.temporal_downsample[t])
      s.layer(p + ".upsamplers.0.time_conv", {2 * cout, cout, 3, 1, 1});
    cin = cout / 2;
  }
  s.add("decoder.norm_out.gamma", {up.back(), 1, 1, 1}).layer("decoder.conv_out", {3, up.back(), 3, 3, 3});
  return s.out;
}

ParamSpecs umt5_param_specs(const Umt5Config& cfg) {
  Specs s;
  const int64_t d = cfg.d_model, inner = cfg.heads * cfg.d_kv;
  s.add("shared.weight", {cfg.vocab, d});
  for (int64_t i = 0; i < cfg.layers; ++i) {
    const std::string p = "encoder.block." + std::to_string(i) + ".layer";
    for (const char* m : {".q", ".k", ".v"}) s.layer(p + ".0.SelfAttention" + m, {inner, d}, false);
    s.layer(p + ".0.SelfAttention.o", {d, inner}, false);
    s.add(p + ".0.SelfAttention.relative_attention_bias.weight", {cfg.buckets, cfg.heads});
    s.add(p + ".0.layer_norm.weight", {d});
    if (cfg.gated) {
      s.layer(p + ".1.DenseReluDense.wi_0", {cfg.d_ff, d}, false).layer(p + ".1.DenseReluDense.wi_1", {cfg.d_ff, d}, false);
    } else {
      s.layer(p + ".1.DenseReluDense.wi", {cfg.d_ff, d}, false);
    }
    s.layer(p + ".1.DenseReluDense.wo", {d, cfg.d_ff}, false);
    s.add(p + ".1.layer_norm.weight", {d});
  }
  s.add("encoder.final_layer_norm.weight", {d});
  return s.out;
}

ParamSpecs clip_vision_param_specs(const ClipVisionConfig& cfg, int64_t projection_dim) {
  Specs s;
  const int64_t d = cfg.layers.hidden, ff = cfg.layers.intermediate;
  const std::string v = "vision_model";
  s.add(v + ".embeddings.class_embedding", {d});
  s.add(v + ".embeddings.patch_embedding.weight", {d, cfg.channels, cfg.patch, cfg.patch});
  s.add(v + ".embeddings.position_embedding.weight", {cfg.tokens(), d});
  s.norm(v + ".pre_layrnorm", d);
  for (int64_t i = 0; i < cfg.layers.layers; ++i) {
    const std::string p = v + ".encoder.layers." + std::to_string(i);
    for (const char* m : {".q_proj", ".k_proj", ".v_proj", ".out_proj"}) s.layer(p + ".self_attn" + m, {d, d});
    s.norm(p + ".layer_norm1", d).norm(p + ".layer_norm2", d);
    s.layer(p + ".mlp.fc1", {ff, d}).layer(p + ".mlp.fc2", {d, ff});
  }
  s.norm(v + ".post_layernorm", d);
  if (projection_dim > 0) s.layer("visual_projection", {projection_dim, d}, false);
  return s.out;
}

}  // namespace gpuq
