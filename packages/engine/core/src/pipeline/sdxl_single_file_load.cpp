// SdxlPipeline over a single-file checkpoint: the configs come from a diffusers folder, the
// weights from the file, renamed to the diffusers names the models read.
#include "models/sdxl_single_file.h"
#include "pipeline/sdxl.h"
#include "util/error.h"

namespace gpuq {

namespace {
json::Value component_config(const std::string& config_dir, const std::string& component) {
  const std::string path = config_dir + "/" + component + "/config.json";
  check(is_file(path), ErrorCode::NotFound, "single-file SDXL: config " + path + " not found");
  return json::parse_file(path);
}
}  // namespace

std::unique_ptr<SdxlPipeline> SdxlPipeline::load_single_file(const std::string& file, const std::string& config_dir,
                                                             std::shared_ptr<Backend> backend,
                                                             const ComponentStorage& storage) {
  check(is_file(file), ErrorCode::NotFound, "single-file SDXL checkpoint not found: " + file);
  check(is_file(config_dir + "/model_index.json"), ErrorCode::NotFound,
        "single-file SDXL: no model_index.json in the config folder " + config_dir);
  json::Value index = json::parse_file(config_dir + "/model_index.json");
  SdxlComponentConfigs cfg{component_config(config_dir, "unet"), component_config(config_dir, "vae"),
                           component_config(config_dir, "text_encoder"),
                           component_config(config_dir, "text_encoder_2")};
  auto tensors = read_sdxl_single_file(SafeTensorsFile::open(file), sdxl_single_file_layout(cfg));

  auto p = std::unique_ptr<SdxlPipeline>(new SdxlPipeline());
  p->be_ = std::move(backend);
  Backend& be = *p->be_;
  auto weights = [&](const char* name, const json::Value& config, DType dtype) {
    Weights w = Weights::from_tensors(std::move(tensors.at(name)), config, be, dtype);
    p->memory_[name] = ComponentMemory{dtype, w.bytes()};
    return w;
  };
  p->storage_ = storage;
  p->te1_ = std::make_unique<ClipTextEncoder>(
      weights("text_encoder", cfg.text_encoder, storage.of("text_encoder")), be);
  p->te2_ = std::make_unique<ClipTextEncoder>(
      weights("text_encoder_2", cfg.text_encoder_2, storage.of("text_encoder_2")), be);
  p->max_tokens_ = p->te1_->config().max_positions;
  p->unet_ = std::make_unique<UNet>(weights("unet", cfg.unet, storage.of("unet")), be);
  p->vae_ = std::make_unique<VaeDecoder>(weights("vae", cfg.vae, vae_storage(cfg.vae, storage.of("vae"))), be);
  const std::string sched_path = config_dir + "/scheduler/scheduler_config.json";
  if (is_file(sched_path)) p->sched_cfg_ = SchedulerConfig::from_json(json::parse_file(sched_path));
  p->force_zeros_ = index.bool_or("force_zeros_for_empty_prompt", true);
  return p;
}

}  // namespace gpuq
