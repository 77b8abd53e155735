#include "models/unet_config.h"

#include "util/error.h"

namespace gpuq {

namespace {
// transformer_layers_per_block may be an int, a list, or (rare) a list of lists per resnet;
// the first two are handled, the third reduced to its first entry per block.
std::vector<int64_t> per_block(const json::Value* v, size_t n, int64_t fallback) {
  if (!v || v->is_null()) return std::vector<int64_t>(n, fallback);
  if (v->is_number()) return std::vector<int64_t>(n, v->as_int());
  std::vector<int64_t> out;
  for (const auto& item : v->as_array()) out.push_back(item.is_array() ? item.as_array().at(0).as_int() : item.as_int());
  if (out.size() != n) throw Error(ErrorCode::BadFormat, "UNet config: per-block list of wrong length");
  return out;
}
}  // namespace

UNetConfig UNetConfig::from_json(const json::Value& cfg) {
  UNetConfig c;
  c.in_channels = cfg.int_or("in_channels", 4);
  c.out_channels = cfg.int_or("out_channels", 4);
  c.block_out_channels = cfg.at("block_out_channels").int_list();
  const size_t n = c.block_out_channels.size();
  auto down_types = cfg.at("down_block_types").string_list();
  auto up_types = cfg.at("up_block_types").string_list();
  check(down_types.size() == n && up_types.size() == n, ErrorCode::BadFormat,
        "UNet config: block type lists must match block_out_channels");
  c.norm_groups = cfg.int_or("norm_num_groups", 32);
  c.norm_eps = static_cast<float>(cfg.number_or("norm_eps", 1e-5));
  c.flip_sin_to_cos = cfg.bool_or("flip_sin_to_cos", true);
  c.freq_shift = static_cast<float>(cfg.number_or("freq_shift", 0));
  c.time_embed_dim = cfg.int_or("time_embedding_dim", c.block_out_channels[0] * 4);
  c.use_linear_projection = cfg.bool_or("use_linear_projection", false);
  c.conv_in_kernel = cfg.int_or("conv_in_kernel", 3);
  c.conv_out_kernel = cfg.int_or("conv_out_kernel", 3);
  c.mid_block_scale_factor = static_cast<float>(cfg.number_or("mid_block_scale_factor", 1));
  c.resnet_out_scale_factor = static_cast<float>(cfg.number_or("resnet_out_scale_factor", 1));

  check(cfg.string_or("time_embedding_type", "positional") == "positional", ErrorCode::Unsupported,
        "UNet: only positional time embeddings are supported");
  check(cfg.string_or("class_embed_type", "").empty(), ErrorCode::Unsupported,
        "UNet: class embeddings are not supported");
  check(cfg.string_or("resnet_time_scale_shift", "default") == "default", ErrorCode::Unsupported,
        "UNet: resnet_time_scale_shift other than default");
  std::string add_type = cfg.string_or("addition_embed_type", "");
  check(add_type.empty() || add_type == "text_time", ErrorCode::Unsupported,
        "UNet: addition_embed_type \"" + add_type + "\"");
  c.text_time = add_type == "text_time";
  c.addition_time_embed_dim = cfg.int_or("addition_time_embed_dim", 0);

  auto layers = cfg.at("layers_per_block").int_list_or_scalar(n);
  const json::Value* heads_v = cfg.find("num_attention_heads");
  if (!heads_v || heads_v->is_null()) heads_v = cfg.find("attention_head_dim");
  auto heads = heads_v && !heads_v->is_null() ? heads_v->int_list_or_scalar(n) : std::vector<int64_t>(n, 8);
  auto tlayers = per_block(cfg.find("transformer_layers_per_block"), n, 1);
  auto cross_dims = cfg.at("cross_attention_dim").int_list_or_scalar(n);
  std::vector<int64_t> rev_tlayers(tlayers.rbegin(), tlayers.rend());
  if (const json::Value* r = cfg.find("reverse_transformer_layers_per_block"); r && !r->is_null())
    rev_tlayers = per_block(r, n, 1);

  int64_t out_ch = c.block_out_channels[0];
  for (size_t i = 0; i < n; ++i) {
    UNetBlockPlan b;
    const std::string& t = down_types[i];
    check(t == "DownBlock2D" || t == "CrossAttnDownBlock2D", ErrorCode::Unsupported, "UNet down block " + t);
    b.cross_attention = t == "CrossAttnDownBlock2D";
    b.in_channels = out_ch;
    out_ch = c.block_out_channels[i];
    b.out_channels = out_ch;
    b.layers = layers[i];
    b.heads = heads[i];
    b.transformer_layers = tlayers[i];
    b.cross_attention_dim = cross_dims[i];
    b.resample = i + 1 < n;
    c.down.push_back(b);
  }

  std::string mid_type = cfg.string_or("mid_block_type", "UNetMidBlock2DCrossAttn");
  c.has_mid_block = !mid_type.empty();
  if (c.has_mid_block) {
    check(mid_type == "UNetMidBlock2DCrossAttn", ErrorCode::Unsupported, "UNet mid block " + mid_type);
    c.mid.cross_attention = true;
    c.mid.in_channels = c.mid.out_channels = c.block_out_channels.back();
    c.mid.layers = 1;
    c.mid.heads = heads.back();
    c.mid.transformer_layers = tlayers.back();
    c.mid.cross_attention_dim = cross_dims.back();
  }

  std::vector<int64_t> rev_ch(c.block_out_channels.rbegin(), c.block_out_channels.rend());
  std::vector<int64_t> rev_heads(heads.rbegin(), heads.rend()), rev_layers(layers.rbegin(), layers.rend());
  std::vector<int64_t> rev_cross(cross_dims.rbegin(), cross_dims.rend());
  out_ch = rev_ch[0];
  for (size_t i = 0; i < n; ++i) {
    UNetBlockPlan b;
    const std::string& t = up_types[i];
    check(t == "UpBlock2D" || t == "CrossAttnUpBlock2D", ErrorCode::Unsupported, "UNet up block " + t);
    b.cross_attention = t == "CrossAttnUpBlock2D";
    b.prev_out_channels = out_ch;
    out_ch = rev_ch[i];
    b.out_channels = out_ch;
    b.in_channels = rev_ch[std::min(i + 1, n - 1)];
    b.layers = rev_layers[i] + 1;
    b.heads = rev_heads[i];
    b.transformer_layers = rev_tlayers[i];
    b.cross_attention_dim = rev_cross[i];
    b.resample = i + 1 < n;
    c.up.push_back(b);
  }
  return c;
}

int64_t UNetConfig::downsample_count() const {
  int64_t k = 0;
  for (const auto& b : down) k += b.resample ? 1 : 0;
  return k;
}

}  // namespace gpuq
