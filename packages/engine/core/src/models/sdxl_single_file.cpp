#include "models/sdxl_single_file.h"

#include <utility>

#include "models/clip.h"
#include "models/unet_config.h"
#include "models/vae.h"

namespace gpuq {

namespace {

using Renames = std::vector<std::pair<std::string, std::string>>;

// A diffusers name prefix, its single-file counterpart, and renames of the part after it.
struct PrefixRule {
  std::string from, to;
  const Renames* rest = nullptr;
};

const Renames kUnetResnet = {{"norm1", "in_layers.0"},    {"conv1", "in_layers.2"},
                             {"time_emb_proj", "emb_layers.1"}, {"norm2", "out_layers.0"},
                             {"conv2", "out_layers.3"},  {"conv_shortcut", "skip_connection"}};
const Renames kVaeAttention = {{"group_norm", "norm"}, {"to_q", "q"}, {"to_k", "k"}, {"to_v", "v"},
                               {"to_out.0", "proj_out"}};
const Renames kOpenClipLayer = {{"layer_norm1", "ln_1"},   {"layer_norm2", "ln_2"},
                                {"mlp.fc1", "mlp.c_fc"},    {"mlp.fc2", "mlp.c_proj"},
                                {"self_attn.out_proj", "attn.out_proj"}};

bool starts_with(const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; }

std::string rename_rest(const std::string& rest, const Renames* renames) {
  if (renames)
    for (const auto& [from, to] : *renames)
      if (starts_with(rest, from + ".")) return to + rest.substr(from.size());
  return rest;
}

// The longest matching rule wins; names no rule covers keep their diffusers spelling.
std::string apply_rules(const std::vector<PrefixRule>& rules, const std::string& name) {
  const PrefixRule* best = nullptr;
  for (const auto& r : rules)
    if (starts_with(name, r.from) && (!best || r.from.size() > best->from.size())) best = &r;
  if (!best) return name;
  return best->to + rename_rest(name.substr(best->from.size()), best->rest);
}

std::string idx(size_t i) { return std::to_string(i); }

SingleFileSource src(std::string key, SingleFileTransform transform = SingleFileTransform::None, int part = 0) {
  SingleFileSource s;
  s.key = std::move(key);
  s.transform = transform;
  s.part = part;
  return s;
}

// LDM's UNetModel numbers its blocks in one sequence per path: input_blocks.0 is conv_in, then
// each resnet (with its attention as .1) and each downsampler takes the next index; output_blocks
// hold a resnet (.0), its attention (.1) and, closing a level, the upsampler after them.
std::vector<PrefixRule> unet_rules(const UNetConfig& cfg) {
  std::vector<PrefixRule> r = {{"conv_in.", "input_blocks.0.0."},
                               {"time_embedding.linear_1.", "time_embed.0."},
                               {"time_embedding.linear_2.", "time_embed.2."},
                               {"add_embedding.linear_1.", "label_emb.0.0."},
                               {"add_embedding.linear_2.", "label_emb.0.2."},
                               {"conv_norm_out.", "out.0."},
                               {"conv_out.", "out.2."},
                               {"mid_block.resnets.0.", "middle_block.0.", &kUnetResnet},
                               {"mid_block.attentions.0.", "middle_block.1."},
                               {"mid_block.resnets.1.", "middle_block.2.", &kUnetResnet}};
  size_t block = 1;
  for (size_t i = 0; i < cfg.down.size(); ++i) {
    const std::string pre = "down_blocks." + idx(i);
    for (int64_t j = 0; j < cfg.down[i].layers; ++j, ++block) {
      r.push_back({pre + ".resnets." + idx(j) + ".", "input_blocks." + idx(block) + ".0.", &kUnetResnet});
      r.push_back({pre + ".attentions." + idx(j) + ".", "input_blocks." + idx(block) + ".1."});
    }
    if (cfg.down[i].resample) r.push_back({pre + ".downsamplers.0.conv.", "input_blocks." + idx(block++) + ".0.op."});
  }
  block = 0;
  for (size_t i = 0; i < cfg.up.size(); ++i) {
    const std::string pre = "up_blocks." + idx(i);
    for (int64_t j = 0; j < cfg.up[i].layers; ++j, ++block) {
      const std::string out = "output_blocks." + idx(block) + ".";
      r.push_back({pre + ".resnets." + idx(j) + ".", out + "0.", &kUnetResnet});
      r.push_back({pre + ".attentions." + idx(j) + ".", out + "1."});
      if (j + 1 == cfg.up[i].layers && cfg.up[i].resample)
        r.push_back({pre + ".upsamplers.0.conv.", out + (cfg.up[i].cross_attention ? "2" : "1") + ".conv."});
    }
  }
  return r;
}

// The VAE's up path is numbered from the bottom in LDM (up.0 is diffusers' last up block).
std::vector<PrefixRule> vae_rules(size_t levels, size_t down_levels) {
  std::vector<PrefixRule> r;
  for (const std::string side : {"encoder.", "decoder."}) {
    r.push_back({side + "mid_block.resnets.0.", side + "mid.block_1."});
    r.push_back({side + "mid_block.resnets.1.", side + "mid.block_2."});
    r.push_back({side + "mid_block.attentions.0.", side + "mid.attn_1.", &kVaeAttention});
    r.push_back({side + "conv_norm_out.", side + "norm_out."});
  }
  for (size_t i = 0; i < down_levels; ++i) {
    r.push_back({"encoder.down_blocks." + idx(i) + ".resnets.", "encoder.down." + idx(i) + ".block."});
    r.push_back({"encoder.down_blocks." + idx(i) + ".downsamplers.0.", "encoder.down." + idx(i) + ".downsample."});
  }
  for (size_t i = 0; i < levels; ++i) {
    const std::string up = "decoder.up." + idx(levels - 1 - i) + ".";
    r.push_back({"decoder.up_blocks." + idx(i) + ".resnets.", up + "block."});
    r.push_back({"decoder.up_blocks." + idx(i) + ".upsamplers.0.", up + "upsample."});
  }
  return r;
}

// Resnet shortcuts are "nin_shortcut" in LDM, wherever the resnet sits; LDM's attention
// projections are 1x1 convolutions (weights only; biases keep their shape).
SingleFileSource vae_source(const std::vector<PrefixRule>& rules, const std::string& name) {
  SingleFileSource s = src("first_stage_model." + apply_rules(rules, name));
  const std::string from = ".conv_shortcut.", to = ".nin_shortcut.";
  if (auto p = s.key.find(from); p != std::string::npos) s.key.replace(p, from.size(), to);
  const bool projection = name.find("mid_block.attentions.0.to_") != std::string::npos;
  if (projection && name.compare(name.size() - 7, 7, ".weight") == 0) s.transform = SingleFileTransform::Conv1x1;
  return s;
}

SingleFileSource openclip_source(const std::vector<PrefixRule>& layers, const std::string& name) {
  const std::string pre = "conditioner.embedders.1.model.";
  if (name == "text_model.embeddings.token_embedding.weight") return src(pre + "token_embedding.weight");
  if (name == "text_model.embeddings.position_embedding.weight") return src(pre + "positional_embedding");
  if (name == "text_projection.weight") return src(pre + "text_projection", SingleFileTransform::Transposed);
  if (starts_with(name, "text_model.final_layer_norm."))
    return src(pre + "ln_final." + name.substr(std::string("text_model.final_layer_norm.").size()));
  std::string mapped = apply_rules(layers, name);
  static const char* kQkv[] = {"q_proj", "k_proj", "v_proj"};
  for (int part = 0; part < 3; ++part) {
    const std::string proj = std::string(".self_attn.") + kQkv[part] + ".";
    if (auto p = mapped.find(proj); p != std::string::npos)
      return src(pre + mapped.substr(0, p) + ".attn.in_proj_" + mapped.substr(p + proj.size()),
                 SingleFileTransform::QkvPart, part);
  }
  return src(pre + mapped);
}

Shape file_shape(const SingleFileSource& s) {
  switch (s.transform) {
    case SingleFileTransform::Conv1x1: return {s.shape[0], s.shape[1], 1, 1};
    case SingleFileTransform::QkvPart: {
      Shape f = s.shape;
      f[0] *= 3;
      return f;
    }
    case SingleFileTransform::Transposed: return {s.shape[1], s.shape[0]};
    case SingleFileTransform::None: break;
  }
  return s.shape;
}

template <typename NameFn>
SdxlSingleFileComponent component(const std::string& name, const ParamSpecs& specs, NameFn source_of) {
  SdxlSingleFileComponent c{name, {}};
  for (const auto& [param, shape] : specs) {
    SingleFileSource s = source_of(param);
    s.shape = shape;
    s.file_shape = file_shape(s);
    c.params[param] = std::move(s);
  }
  return c;
}

}  // namespace

std::vector<SdxlSingleFileComponent> sdxl_single_file_layout(const SdxlComponentConfigs& configs) {
  std::vector<SdxlSingleFileComponent> out;
  const UNetConfig ucfg = UNetConfig::from_json(configs.unet);
  const auto unet = unet_rules(ucfg);
  out.push_back(component("unet",
                          unet_param_specs(ucfg, configs.unet.int_or("projection_class_embeddings_input_dim", 0)),
                          [&](const std::string& n) {
                            return src("model.diffusion_model." + apply_rules(unet, n));
                          }));

  const VaeConfig vcfg = VaeConfig::from_json(configs.vae);
  const auto down_types = configs.vae.at("down_block_types").string_list();
  const auto vae = vae_rules(vcfg.block_out_channels.size(), down_types.size());
  out.push_back(component("vae", vae_param_specs(vcfg, configs.vae.int_or("in_channels", 3), down_types),
                          [&](const std::string& n) { return vae_source(vae, n); }));

  out.push_back(component("text_encoder", clip_param_specs(ClipConfig::from_json(configs.text_encoder), 0),
                          [](const std::string& n) {
                            return src("conditioner.embedders.0.transformer." + n);
                          }));

  const ClipConfig c2 = ClipConfig::from_json(configs.text_encoder_2);
  std::vector<PrefixRule> layers;
  for (int64_t i = 0; i < c2.layers; ++i)
    layers.push_back({"text_model.encoder.layers." + idx(i) + ".", "transformer.resblocks." + idx(i) + ".", &kOpenClipLayer});
  out.push_back(component("text_encoder_2",
                          clip_param_specs(c2, configs.text_encoder_2.int_or("projection_dim", 0)),
                          [&](const std::string& n) { return openclip_source(layers, n); }));
  return out;
}

bool is_ignored_single_file_key(const std::string& key) {
  return key == "conditioner.embedders.0.transformer.text_model.embeddings.position_ids" ||
         key == "conditioner.embedders.1.model.logit_scale";
}

}  // namespace gpuq
