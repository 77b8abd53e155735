#include "models/unet.h"

#include "models/embeddings.h"
#include "util/error.h"

namespace gpuq {

UNet::UNet(Weights weights, Backend& backend)
    : weights_(std::move(weights)), be_(backend), cfg_(UNetConfig::from_json(weights_.config())) {}

Tensor UNet::time_embedding(const UNetInputs& in, const BlockContext& c) const {
  const int64_t batch = in.sample.dim(0);
  std::vector<float> t = in.timesteps;
  check(t.size() == 1 || static_cast<int64_t>(t.size()) == batch, ErrorCode::InvalidArgument,
        "UNet: give one timestep or one per batch item");
  if (t.size() == 1) t.assign(static_cast<size_t>(batch), t[0]);
  Tensor proj = timestep_sinusoids(t, cfg_.block_out_channels[0], cfg_.flip_sin_to_cos, cfg_.freq_shift);
  c.record("time_proj", proj);
  Tensor emb = timestep_mlp(be_, weights_, "time_embedding", be_.upload(proj));
  c.record("time_embedding", emb);
  if (!cfg_.text_time) return emb;

  check(in.text_embeds.defined() && in.time_ids.defined() && in.text_embeds.dim(0) == batch &&
            in.time_ids.dim(0) == batch,
        ErrorCode::InvalidArgument, "UNet: SDXL conditioning needs text_embeds and time_ids per batch item");
  Tensor ids = be_.download(in.time_ids);
  std::vector<float> flat(ids.f32(), ids.f32() + ids.numel());
  Tensor tproj = timestep_sinusoids(flat, cfg_.addition_time_embed_dim, cfg_.flip_sin_to_cos, cfg_.freq_shift);
  c.record("add_time_proj", tproj);
  Tensor add = be_.concat_dim1(in.text_embeds, be_.upload(tproj.reshape({batch, tproj.numel() / batch})));
  c.record("add_embeds", add);
  Tensor aug = timestep_mlp(be_, weights_, "add_embedding", add);
  c.record("aug_emb", aug);
  emb = be_.add(emb, aug);
  c.record("emb", emb);
  return emb;
}

Tensor UNet::forward(const UNetInputs& in, Trace* trace) const {
  BlockContext c{be_, weights_, trace, in.kv_cache};
  check(in.sample.ndim() == 4 && in.sample.dim(1) == cfg_.in_channels, ErrorCode::InvalidArgument,
        "UNet: sample " + shape_str(in.sample.shape()) + " does not have " + std::to_string(cfg_.in_channels) +
            " channels");
  const int64_t align = int64_t{1} << cfg_.downsample_count();
  check(in.sample.dim(2) % align == 0 && in.sample.dim(3) % align == 0, ErrorCode::InvalidArgument,
        "UNet: latent height and width must be multiples of " + std::to_string(align));
  check(in.encoder_hidden_states.ndim() == 3 && in.encoder_hidden_states.dim(0) == in.sample.dim(0),
        ErrorCode::InvalidArgument, "UNet: encoder_hidden_states must be [B, L, D]");
  const int groups = static_cast<int>(cfg_.norm_groups);
  const float eps = cfg_.norm_eps;
  const Tensor& ctx = in.encoder_hidden_states;

  Tensor emb = time_embedding(in, c);
  Tensor h = conv(c, "conv_in", in.sample);
  c.record("conv_in", h);
  std::vector<Tensor> skips{h};

  for (size_t i = 0; i < cfg_.down.size(); ++i) {
    const UNetBlockPlan& b = cfg_.down[i];
    const std::string p = "down_blocks." + std::to_string(i) + ".";
    size_t first = skips.size();
    for (int64_t j = 0; j < b.layers; ++j) {
      h = resnet_block(c, p + "resnets." + std::to_string(j), h, emb, groups, eps, cfg_.resnet_out_scale_factor);
      if (b.cross_attention)
        h = spatial_transformer(c, p + "attentions." + std::to_string(j), h, ctx, b.heads, b.transformer_layers,
                                groups, cfg_.use_linear_projection);
      skips.push_back(h);
    }
    if (b.resample) {
      h = downsample(c, p + "downsamplers.0", h);
      skips.push_back(h);
    }
    c.record(p + "hidden_states", h);
    for (size_t k = first; k < skips.size(); ++k) c.record(p + "res_samples." + std::to_string(k - first), skips[k]);
  }

  if (cfg_.has_mid_block) {
    h = resnet_block(c, "mid_block.resnets.0", h, emb, groups, eps, cfg_.mid_block_scale_factor);
    for (int64_t j = 0; j < cfg_.mid.layers; ++j) {
      h = spatial_transformer(c, "mid_block.attentions." + std::to_string(j), h, ctx, cfg_.mid.heads,
                              cfg_.mid.transformer_layers, groups, cfg_.use_linear_projection);
      h = resnet_block(c, "mid_block.resnets." + std::to_string(j + 1), h, emb, groups, eps,
                       cfg_.mid_block_scale_factor);
    }
    c.record("mid_block", h);
  }

  for (size_t i = 0; i < cfg_.up.size(); ++i) {
    const UNetBlockPlan& b = cfg_.up[i];
    const std::string p = "up_blocks." + std::to_string(i) + ".";
    for (int64_t j = 0; j < b.layers; ++j) {
      check(!skips.empty(), ErrorCode::Internal, "UNet: ran out of skip connections");
      h = be_.concat_dim1(h, skips.back());
      skips.pop_back();  // the skip dies here: free it now, not at the end of the forward
      h = resnet_block(c, p + "resnets." + std::to_string(j), h, emb, groups, eps, cfg_.resnet_out_scale_factor);
      if (b.cross_attention)
        h = spatial_transformer(c, p + "attentions." + std::to_string(j), h, ctx, b.heads, b.transformer_layers,
                                groups, cfg_.use_linear_projection);
    }
    if (b.resample) h = upsample(c, p + "upsamplers.0", h);
    c.record("up_blocks." + std::to_string(i), h);
  }

  h = be_.group_norm(h, groups, weights_.get("conv_norm_out.weight"), weights_.get("conv_norm_out.bias"), eps, false);
  c.record("conv_norm_out", h);
  h = be_.activation(h, Activation::SiLU);
  c.record("conv_act", h);
  h = conv(c, "conv_out", h);
  c.record("noise_pred", h);
  return h;
}

}  // namespace gpuq
