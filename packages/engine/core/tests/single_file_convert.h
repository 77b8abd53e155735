// Test helper: turns a diffusers-layout SDXL folder into one single-file checkpoint (the
// sd_xl_base_1.0.safetensors layout), the inverse of what the engine's loader does. It is written
// separately from the loader (name patterns parsed with regular expressions, block indices from
// closed formulas instead of the loader's running counters) so that a naming slip in either one
// shows up as a missing tensor or a wrong result rather than cancelling out.
#pragma once

#include <cstring>
#include <map>
#include <regex>
#include <string>

#include "io/safetensors.h"
#include "util/error.h"
#include "util/json.h"

namespace gpuq::test {

namespace single_file {

inline std::string resnet_part(const std::string& rest) {
  static const std::map<std::string, std::string> kParts = {
      {"norm1", "in_layers.0"},  {"conv1", "in_layers.2"},  {"time_emb_proj", "emb_layers.1"},
      {"norm2", "out_layers.0"}, {"conv2", "out_layers.3"}, {"conv_shortcut", "skip_connection"}};
  auto dot = rest.find('.');
  return kParts.at(rest.substr(0, dot)) + rest.substr(dot);
}

inline std::string unet_key(const std::string& n, const json::Value& cfg) {
  static const std::map<std::string, std::string> kTop = {
      {"conv_in", "input_blocks.0.0"},         {"time_embedding.linear_1", "time_embed.0"},
      {"time_embedding.linear_2", "time_embed.2"}, {"add_embedding.linear_1", "label_emb.0.0"},
      {"add_embedding.linear_2", "label_emb.0.2"}, {"conv_norm_out", "out.0"},
      {"conv_out", "out.2"}};
  const int64_t per_level = cfg.at("layers_per_block").as_int() + 1;  // resnets + resampler slot
  const auto up_types = cfg.at("up_block_types").string_list();
  std::smatch m;
  auto n_ = n;
  if (std::regex_match(n_, m, std::regex(R"(down_blocks\.(\d+)\.(resnets|attentions)\.(\d+)\.(.*))"))) {
    int64_t block = 1 + std::stoi(m[1]) * per_level + std::stoi(m[3]);
    bool res = m[2] == "resnets";
    return "input_blocks." + std::to_string(block) + (res ? ".0." + resnet_part(m[4]) : ".1." + m[4].str());
  }
  if (std::regex_match(n_, m, std::regex(R"(down_blocks\.(\d+)\.downsamplers\.0\.conv\.(.*))")))
    return "input_blocks." + std::to_string(std::stoi(m[1]) * per_level + per_level) + ".0.op." + m[2].str();
  if (std::regex_match(n_, m, std::regex(R"(up_blocks\.(\d+)\.(resnets|attentions)\.(\d+)\.(.*))"))) {
    int64_t block = std::stoi(m[1]) * per_level + std::stoi(m[3]);
    bool res = m[2] == "resnets";
    return "output_blocks." + std::to_string(block) + (res ? ".0." + resnet_part(m[4]) : ".1." + m[4].str());
  }
  if (std::regex_match(n_, m, std::regex(R"(up_blocks\.(\d+)\.upsamplers\.0\.conv\.(.*))"))) {
    int level = std::stoi(m[1]);
    bool attn = up_types[level].rfind("CrossAttn", 0) == 0;
    return "output_blocks." + std::to_string(level * per_level + per_level - 1) + (attn ? ".2" : ".1") + ".conv." +
           m[2].str();
  }
  if (std::regex_match(n_, m, std::regex(R"(mid_block\.resnets\.(\d)\.(.*))")))
    return "middle_block." + std::to_string(2 * std::stoi(m[1])) + "." + resnet_part(m[2]);
  if (std::regex_match(n_, m, std::regex(R"(mid_block\.attentions\.0\.(.*))"))) return "middle_block.1." + m[1].str();
  auto dot = n.rfind('.');
  return kTop.at(n.substr(0, dot)) + n.substr(dot);
}

inline std::string vae_key(const std::string& n, int64_t levels) {
  std::smatch m;
  std::string s = n;
  if (std::regex_match(s, m, std::regex(R"(encoder\.down_blocks\.(\d+)\.resnets\.(.*))")))
    s = "encoder.down." + m[1].str() + ".block." + m[2].str();
  else if (std::regex_match(s, m, std::regex(R"(encoder\.down_blocks\.(\d+)\.downsamplers\.0\.(.*))")))
    s = "encoder.down." + m[1].str() + ".downsample." + m[2].str();
  else if (std::regex_match(s, m, std::regex(R"(decoder\.up_blocks\.(\d+)\.resnets\.(.*))")))
    s = "decoder.up." + std::to_string(levels - 1 - std::stoi(m[1])) + ".block." + m[2].str();
  else if (std::regex_match(s, m, std::regex(R"(decoder\.up_blocks\.(\d+)\.upsamplers\.0\.(.*))")))
    s = "decoder.up." + std::to_string(levels - 1 - std::stoi(m[1])) + ".upsample." + m[2].str();
  else if (std::regex_match(s, m, std::regex(R"((\w+)\.mid_block\.resnets\.(\d)\.(.*))")))
    s = m[1].str() + ".mid.block_" + std::to_string(std::stoi(m[2]) + 1) + "." + m[3].str();
  else if (std::regex_match(s, m, std::regex(R"((\w+)\.mid_block\.attentions\.0\.(group_norm|to_q|to_k|to_v|to_out\.0)\.(.*))"))) {
    static const std::map<std::string, std::string> kAttn = {
        {"group_norm", "norm"}, {"to_q", "q"}, {"to_k", "k"}, {"to_v", "v"}, {"to_out.0", "proj_out"}};
    s = m[1].str() + ".mid.attn_1." + kAttn.at(m[2]) + "." + m[3].str();
  }
  s = std::regex_replace(s, std::regex(R"(\.conv_shortcut\.)"), ".nin_shortcut.");
  s = std::regex_replace(s, std::regex(R"(\.conv_norm_out\.)"), ".norm_out.");
  return "first_stage_model." + s;
}

inline std::string openclip_key(const std::string& n) {
  static const std::map<std::string, std::string> kLayer = {{"layer_norm1", "ln_1"},      {"layer_norm2", "ln_2"},
                                                            {"mlp.fc1", "mlp.c_fc"},      {"mlp.fc2", "mlp.c_proj"},
                                                            {"self_attn.out_proj", "attn.out_proj"}};
  std::smatch m;
  if (std::regex_match(n, m, std::regex(R"(text_model\.encoder\.layers\.(\d+)\.(.*)\.(weight|bias))")))
    return "transformer.resblocks." + m[1].str() + "." + kLayer.at(m[2]) + "." + m[3].str();
  if (std::regex_match(n, m, std::regex(R"(text_model\.final_layer_norm\.(.*))"))) return "ln_final." + m[1].str();
  if (n == "text_model.embeddings.token_embedding.weight") return "token_embedding.weight";
  if (n == "text_model.embeddings.position_embedding.weight") return "positional_embedding";
  throw Error(ErrorCode::Internal, "no OpenCLIP name for " + n);
}

inline Tensor rows_concat(const std::vector<Tensor>& parts) {
  Shape s = parts[0].shape();
  s[0] *= static_cast<int64_t>(parts.size());
  Tensor out = Tensor::empty(s, parts[0].dtype());
  char* dst = static_cast<char*>(out.raw());
  for (const auto& p : parts) {
    std::memcpy(dst, p.raw(), p.nbytes());
    dst += p.nbytes();
  }
  return out;
}

}  // namespace single_file

// Writes `path` from the diffusers folder `dir`: all four components under their single-file
// names, plus the two buffers published files carry that no model reads.
inline void write_single_file_from_folder(const std::string& dir, const std::string& path) {
  using namespace single_file;
  std::map<std::string, Tensor> out;
  json::Value ucfg = json::parse_file(dir + "/unet/config.json");
  SafeTensorsFile unet = SafeTensorsFile::open(dir + "/unet/diffusion_pytorch_model.safetensors");
  for (const auto& n : unet.names()) out["model.diffusion_model." + unet_key(n, ucfg)] = unet.get(n);

  json::Value vcfg = json::parse_file(dir + "/vae/config.json");
  const int64_t levels = static_cast<int64_t>(vcfg.at("block_out_channels").int_list().size());
  SafeTensorsFile vae = SafeTensorsFile::open(dir + "/vae/diffusion_pytorch_model.safetensors");
  for (const auto& n : vae.names()) {
    Tensor t = vae.get(n);
    if (n.find("mid_block.attentions.0.to_") != std::string::npos && t.ndim() == 2)
      t = t.reshape({t.dim(0), t.dim(1), 1, 1});
    out[vae_key(n, levels)] = t;
  }

  SafeTensorsFile te1 = SafeTensorsFile::open(dir + "/text_encoder/model.safetensors");
  for (const auto& n : te1.names()) out["conditioner.embedders.0.transformer." + n] = te1.get(n);
  out["conditioner.embedders.0.transformer.text_model.embeddings.position_ids"] =
      Tensor::zeros({1, te1.get("text_model.embeddings.position_embedding.weight").dim(0)}, DType::I64);

  const std::string pre = "conditioner.embedders.1.model.";
  SafeTensorsFile te2 = SafeTensorsFile::open(dir + "/text_encoder_2/model.safetensors");
  std::smatch m;
  for (const auto& n : te2.names()) {
    if (std::regex_match(n, m, std::regex(R"(text_model\.encoder\.layers\.(\d+)\.self_attn\.q_proj\.(weight|bias))"))) {
      std::string layer = "text_model.encoder.layers." + m[1].str() + ".self_attn.";
      std::vector<Tensor> qkv;
      for (const char* p : {"q_proj.", "k_proj.", "v_proj."}) qkv.push_back(te2.get(layer + p + m[2].str()));
      out[pre + "transformer.resblocks." + m[1].str() + ".attn.in_proj_" + m[2].str()] = rows_concat(qkv);
    } else if (n.find(".self_attn.k_proj.") != std::string::npos || n.find(".self_attn.v_proj.") != std::string::npos) {
      continue;  // stacked with q above
    } else if (n == "text_projection.weight") {
      Tensor w = te2.get(n), t = Tensor::empty({w.dim(1), w.dim(0)});
      for (int64_t r = 0; r < w.dim(0); ++r)
        for (int64_t c = 0; c < w.dim(1); ++c) t.f32()[c * w.dim(0) + r] = w.f32()[r * w.dim(1) + c];
      out[pre + "text_projection"] = t;
    } else {
      out[pre + openclip_key(n)] = te2.get(n);
    }
  }
  out[pre + "logit_scale"] = Tensor::full({}, 4.6052f);
  write_safetensors(path, out);
}

}  // namespace gpuq::test
