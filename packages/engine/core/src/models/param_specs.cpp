#include "models/param_specs.h"

namespace gpuq {

namespace {

struct Builder {
  ParamSpecs out;
  void add(const std::string& name, Shape s) { out.emplace_back(name, std::move(s)); }
  void norm(const std::string& p, int64_t c) {
    add(p + ".weight", {c});
    add(p + ".bias", {c});
  }
  void linear(const std::string& p, int64_t in, int64_t out_dim, bool bias = true) {
    add(p + ".weight", {out_dim, in});
    if (bias) add(p + ".bias", {out_dim});
  }
  void conv(const std::string& p, int64_t in, int64_t out_dim, int64_t k) {
    add(p + ".weight", {out_dim, in, k, k});
    add(p + ".bias", {out_dim});
  }
  void resnet(const std::string& p, int64_t in, int64_t out_dim, int64_t temb) {
    norm(p + ".norm1", in);
    conv(p + ".conv1", in, out_dim, 3);
    if (temb) linear(p + ".time_emb_proj", temb, out_dim);
    norm(p + ".norm2", out_dim);
    conv(p + ".conv2", out_dim, out_dim, 3);
    if (in != out_dim) conv(p + ".conv_shortcut", in, out_dim, 1);
  }
  void transformer(const std::string& p, int64_t c, int64_t layers, int64_t cross, bool linear_proj) {
    norm(p + ".norm", c);
    if (linear_proj) linear(p + ".proj_in", c, c);
    else conv(p + ".proj_in", c, c, 1);
    for (int64_t i = 0; i < layers; ++i) {
      std::string b = p + ".transformer_blocks." + std::to_string(i);
      for (const char* n : {".norm1", ".norm2", ".norm3"}) norm(b + n, c);
      for (const char* a : {".attn1", ".attn2"}) {
        int64_t kv = std::string(a) == ".attn2" ? cross : c;
        linear(b + a + ".to_q", c, c, false);
        linear(b + a + ".to_k", kv, c, false);
        linear(b + a + ".to_v", kv, c, false);
        linear(b + a + ".to_out.0", c, c);
      }
      linear(b + ".ff.net.0.proj", c, 8 * c);
      linear(b + ".ff.net.2", 4 * c, c);
    }
    if (linear_proj) linear(p + ".proj_out", c, c);
    else conv(p + ".proj_out", c, c, 1);
  }
  void vae_attention(const std::string& p, int64_t c) {
    norm(p + ".group_norm", c);
    for (const char* n : {".to_q", ".to_k", ".to_v", ".to_out.0"}) linear(p + n, c, c);
  }
};

}  // namespace

ParamSpecs unet_param_specs(const UNetConfig& cfg, int64_t projection_input_dim) {
  Builder b;
  const int64_t c0 = cfg.block_out_channels[0], ted = cfg.time_embed_dim, k = cfg.conv_in_kernel;
  b.conv("conv_in", cfg.in_channels, c0, k);
  b.linear("time_embedding.linear_1", c0, ted);
  b.linear("time_embedding.linear_2", ted, ted);
  if (cfg.text_time) {
    b.linear("add_embedding.linear_1", projection_input_dim, ted);
    b.linear("add_embedding.linear_2", ted, ted);
  }
  for (size_t i = 0; i < cfg.down.size(); ++i) {
    const UNetBlockPlan& p = cfg.down[i];
    std::string pre = "down_blocks." + std::to_string(i);
    for (int64_t j = 0; j < p.layers; ++j) {
      b.resnet(pre + ".resnets." + std::to_string(j), j == 0 ? p.in_channels : p.out_channels, p.out_channels, ted);
      if (p.cross_attention)
        b.transformer(pre + ".attentions." + std::to_string(j), p.out_channels, p.transformer_layers,
                      p.cross_attention_dim, cfg.use_linear_projection);
    }
    if (p.resample) b.conv(pre + ".downsamplers.0.conv", p.out_channels, p.out_channels, 3);
  }
  if (cfg.has_mid_block) {
    const int64_t c = cfg.mid.out_channels;
    b.resnet("mid_block.resnets.0", c, c, ted);
    b.transformer("mid_block.attentions.0", c, cfg.mid.transformer_layers, cfg.mid.cross_attention_dim,
                  cfg.use_linear_projection);
    b.resnet("mid_block.resnets.1", c, c, ted);
  }
  for (size_t i = 0; i < cfg.up.size(); ++i) {
    const UNetBlockPlan& p = cfg.up[i];
    std::string pre = "up_blocks." + std::to_string(i);
    for (int64_t j = 0; j < p.layers; ++j) {
      int64_t skip = j == p.layers - 1 ? p.in_channels : p.out_channels;
      int64_t in = (j == 0 ? p.prev_out_channels : p.out_channels) + skip;
      b.resnet(pre + ".resnets." + std::to_string(j), in, p.out_channels, ted);
      if (p.cross_attention)
        b.transformer(pre + ".attentions." + std::to_string(j), p.out_channels, p.transformer_layers,
                      p.cross_attention_dim, cfg.use_linear_projection);
    }
    if (p.resample) b.conv(pre + ".upsamplers.0.conv", p.out_channels, p.out_channels, 3);
  }
  b.norm("conv_norm_out", c0);
  b.conv("conv_out", c0, cfg.out_channels, cfg.conv_out_kernel);
  return b.out;
}

ParamSpecs vae_param_specs(const VaeConfig& cfg, int64_t in_channels, const std::vector<std::string>& down_types) {
  Builder b;
  const auto& ch = cfg.block_out_channels;
  const int64_t latent = cfg.latent_channels, last = ch.back();
  // Encoder
  b.conv("encoder.conv_in", in_channels, ch[0], 3);
  int64_t prev = ch[0];
  for (size_t i = 0; i < down_types.size(); ++i) {
    std::string pre = "encoder.down_blocks." + std::to_string(i);
    for (int64_t j = 0; j < cfg.layers_per_block; ++j)
      b.resnet(pre + ".resnets." + std::to_string(j), j == 0 ? prev : ch[i], ch[i], 0);
    if (i + 1 < ch.size()) b.conv(pre + ".downsamplers.0.conv", ch[i], ch[i], 3);
    prev = ch[i];
  }
  b.resnet("encoder.mid_block.resnets.0", last, last, 0);
  if (cfg.mid_attention) b.vae_attention("encoder.mid_block.attentions.0", last);
  b.resnet("encoder.mid_block.resnets.1", last, last, 0);
  b.norm("encoder.conv_norm_out", last);
  b.conv("encoder.conv_out", last, 2 * latent, 3);
  b.conv("quant_conv", 2 * latent, 2 * latent, 1);
  // Decoder
  b.conv("post_quant_conv", latent, latent, 1);
  b.conv("decoder.conv_in", latent, last, 3);
  b.resnet("decoder.mid_block.resnets.0", last, last, 0);
  if (cfg.mid_attention) b.vae_attention("decoder.mid_block.attentions.0", last);
  b.resnet("decoder.mid_block.resnets.1", last, last, 0);
  prev = last;
  for (size_t i = 0; i < ch.size(); ++i) {
    int64_t out = ch[ch.size() - 1 - i];
    std::string pre = "decoder.up_blocks." + std::to_string(i);
    for (int64_t j = 0; j <= cfg.layers_per_block; ++j)
      b.resnet(pre + ".resnets." + std::to_string(j), j == 0 ? prev : out, out, 0);
    if (i + 1 < ch.size()) b.conv(pre + ".upsamplers.0.conv", out, out, 3);
    prev = out;
  }
  b.norm("decoder.conv_norm_out", ch[0]);
  b.conv("decoder.conv_out", ch[0], cfg.out_channels, 3);
  return b.out;
}

ParamSpecs clip_param_specs(const ClipConfig& cfg, int64_t projection_dim) {
  Builder b;
  const int64_t h = cfg.hidden;
  b.add("text_model.embeddings.token_embedding.weight", {cfg.vocab, h});
  b.add("text_model.embeddings.position_embedding.weight", {cfg.max_positions, h});
  for (int64_t i = 0; i < cfg.layers; ++i) {
    std::string p = "text_model.encoder.layers." + std::to_string(i);
    b.norm(p + ".layer_norm1", h);
    b.norm(p + ".layer_norm2", h);
    b.linear(p + ".mlp.fc1", h, cfg.intermediate);
    b.linear(p + ".mlp.fc2", cfg.intermediate, h);
    for (const char* n : {".q_proj", ".k_proj", ".v_proj", ".out_proj"}) b.linear(p + ".self_attn" + n, h, h);
  }
  b.norm("text_model.final_layer_norm", h);
  if (projection_dim) b.linear("text_projection", h, projection_dim, false);
  return b.out;
}

}  // namespace gpuq
