#include "models/component_specs.h"

#include "models/wan_param_specs.h"
#include "util/error.h"

namespace gpuq {

namespace {
bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
}  // namespace

bool is_loadable_model_class(const std::string& c) {
  return c == "UNet2DConditionModel" || c == "AutoencoderKL" || c == "CLIPTextModel" ||
         c == "CLIPTextModelWithProjection" || c == "WanTransformer3DModel" || c == "AutoencoderKLWan" ||
         c == "UMT5EncoderModel" || c == "CLIPVisionModel" || c == "CLIPVisionModelWithProjection";
}

bool is_weightless_class(const std::string& c) {
  return ends_with(c, "Tokenizer") || ends_with(c, "TokenizerFast") || ends_with(c, "Scheduler") ||
         ends_with(c, "ImageProcessor") || ends_with(c, "FeatureExtractor");
}

ParamSpecs component_param_specs(const std::string& c, const json::Value& cfg) {
  if (c == "UNet2DConditionModel")
    return unet_param_specs(UNetConfig::from_json(cfg), cfg.int_or("projection_class_embeddings_input_dim", 0));
  if (c == "AutoencoderKL")
    return vae_param_specs(VaeConfig::from_json(cfg), cfg.int_or("in_channels", 3),
                           cfg.at("down_block_types").string_list());
  if (c == "CLIPTextModel") return clip_param_specs(ClipConfig::from_json(cfg), 0);
  if (c == "CLIPTextModelWithProjection")
    return clip_param_specs(ClipConfig::from_json(cfg), cfg.at("projection_dim").as_int());
  if (c == "WanTransformer3DModel") return wan_transformer_param_specs(WanTransformerConfig::from_json(cfg));
  if (c == "AutoencoderKLWan") return wan_vae_param_specs(WanVaeConfig::from_json(cfg));
  if (c == "UMT5EncoderModel") return umt5_param_specs(Umt5Config::from_json(cfg));
  if (c == "CLIPVisionModel") return clip_vision_param_specs(ClipVisionConfig::from_json(cfg), 0);
  if (c == "CLIPVisionModelWithProjection")
    return clip_vision_param_specs(ClipVisionConfig::from_json(cfg), cfg.at("projection_dim").as_int());
  throw Error(ErrorCode::Unsupported, "model class " + c + " is not one the engine loads");
}

bool is_ignored_tensor(const std::string& name) { return name == "position_ids" || ends_with(name, ".position_ids"); }

}  // namespace gpuq
