#include "pipeline/sdxl.h"

#include <cmath>
#include <cstring>
#include <random>

#include "pipeline/image.h"
#include "pipeline/model_check.h"
#include "tensor/block_cache.h"
#include "util/error.h"

namespace gpuq {

Tensor seeded_normal(const Shape& shape, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Tensor t = Tensor::empty(shape);
  float* p = t.f32();
  const int64_t n = t.numel();
  auto uniform = [&] { return (static_cast<double>(rng() >> 11) + 0.5) * (1.0 / 9007199254740992.0); };
  for (int64_t i = 0; i < n; i += 2) {
    double r = std::sqrt(-2.0 * std::log(uniform())), theta = 2.0 * M_PI * uniform();
    p[i] = static_cast<float>(r * std::cos(theta));
    if (i + 1 < n) p[i + 1] = static_cast<float>(r * std::sin(theta));
  }
  return t;
}

std::unique_ptr<SdxlPipeline> SdxlPipeline::load(const std::string& dir, std::shared_ptr<Backend> backend,
                                                  const ComponentStorage& storage) {
  check_model(dir);  // every shard, tensor, shape and dtype, before any weight loads
  json::Value index = json::parse_file(dir + "/model_index.json");
  auto p = std::unique_ptr<SdxlPipeline>(new SdxlPipeline());
  p->be_ = std::move(backend);
  Backend& be = *p->be_;
  auto& mem = p->memory_;
  p->dir_ = dir;
  p->storage_ = storage;
  p->te1_ = std::make_unique<ClipTextEncoder>(
      load_component(dir, "text_encoder", be, storage.of("text_encoder"), mem), be);
  p->te2_ = std::make_unique<ClipTextEncoder>(
      load_component(dir, "text_encoder_2", be, storage.of("text_encoder_2"), mem), be);
  check(p->te2_->has_projection(), ErrorCode::BadFormat, "text_encoder_2 has no text_projection");
  p->max_tokens_ = p->te1_->config().max_positions;
  p->unet_ = std::make_unique<UNet>(load_component(dir, "unet", be, storage.of("unet"), mem), be);
  const std::string vae_config = dir + "/vae/config.json";
  const DType vae = is_file(vae_config) ? vae_storage(json::parse_file(vae_config), storage.of("vae")) : storage.of("vae");
  p->vae_ = std::make_unique<VaeDecoder>(load_component(dir, "vae", be, vae, mem), be);
  std::string sched_path = dir + "/scheduler/scheduler_config.json";
  if (is_file(sched_path)) p->sched_cfg_ = SchedulerConfig::from_json(json::parse_file(sched_path));
  p->force_zeros_ = index.bool_or("force_zeros_for_empty_prompt", true);
  return p;
}

SdxlPipeline::~SdxlPipeline() {
  te1_.reset();
  te2_.reset();
  unet_.reset();
  vae_.reset();
  release_block_cache();
}

const ClipTextEncoder& SdxlPipeline::text_encoder_1() const {
  if (!te1_) te1_ = std::make_unique<ClipTextEncoder>(Weights::load(dir_ + "/text_encoder", *be_, storage_.of("text_encoder")), *be_);
  return *te1_;
}

const ClipTextEncoder& SdxlPipeline::text_encoder_2() const {
  if (!te2_)
    te2_ = std::make_unique<ClipTextEncoder>(Weights::load(dir_ + "/text_encoder_2", *be_, storage_.of("text_encoder_2")), *be_);
  return *te2_;
}

void SdxlPipeline::set_release_text_encoders(bool release) {
  // A single-file pipeline has no folder (dir_) to load its text encoders again from.
  check(!release || !dir_.empty(), ErrorCode::Unsupported,
        "a single-file SDXL checkpoint keeps its text encoders loaded, and they do not fit beside the "
        "denoising working set: raise GPUQ_MAX_MEMORY, use half-precision weights, or use the diffusers folder");
  release_text_encoders_ = release;
  if (release) release_text_encoders();
}

void SdxlPipeline::release_text_encoders() const {
  te1_.reset();
  te2_.reset();
}

PromptEmbeds SdxlPipeline::encode_prompt(const std::vector<int64_t>& ids_1, const std::vector<int64_t>& ids_2) const {
  return assemble_prompt(text_encoder_1().encode(ids_1, 1), text_encoder_2().encode(ids_2, 1));
}

PromptEmbeds SdxlPipeline::assemble_prompt(const ClipOutput& o1, const ClipOutput& o2) const {
  const Tensor& h1 = o1.hidden_states[o1.hidden_states.size() - 2];
  const Tensor& h2 = o2.hidden_states[o2.hidden_states.size() - 2];
  check(h1.dim(1) == h2.dim(1), ErrorCode::InvalidArgument, "both encoders need the same number of tokens");
  // Concatenate on channels: [1, L, D1] ++ [1, L, D2] -> [1, L, D1 + D2] via the [L, D] rows.
  Tensor a = be_->download(h1), b = be_->download(h2);
  const int64_t len = a.dim(1), d1 = a.dim(2), d2 = b.dim(2);
  Tensor e = Tensor::empty({1, len, d1 + d2});
  for (int64_t t = 0; t < len; ++t) {
    std::memcpy(e.f32() + t * (d1 + d2), a.f32() + t * d1, static_cast<size_t>(d1) * 4);
    std::memcpy(e.f32() + t * (d1 + d2) + d1, b.f32() + t * d2, static_cast<size_t>(d2) * 4);
  }
  return {e, be_->download(o2.text_embeds)};
}

Tensor SdxlPipeline::add_time_ids(const int64_t original[2], const int64_t crop[2], const int64_t target[2]) {
  return Tensor::from_vector({1, 6}, {static_cast<float>(original[0]), static_cast<float>(original[1]),
                                      static_cast<float>(crop[0]), static_cast<float>(crop[1]),
                                      static_cast<float>(target[0]), static_cast<float>(target[1])});
}

SchedulerConfig SdxlPipeline::resolve_scheduler(const std::string& name) const {
  return name.empty() ? sched_cfg_ : SchedulerConfig::named(name, sched_cfg_);
}

}  // namespace gpuq
