#include "pipeline/wan.h"

#include "pipeline/model_check.h"
#include "tensor/block_cache.h"
#include "util/error.h"

namespace gpuq {

std::unique_ptr<WanPipeline> WanPipeline::load(const std::string& dir, std::shared_ptr<Backend> backend,
                                               const ComponentStorage& storage) {
  check(is_file(dir + "/model_index.json"), ErrorCode::NotFound, "no model_index.json in " + dir);
  check_model(dir);  // every shard, tensor, shape and dtype, before any weight loads
  auto p = std::unique_ptr<WanPipeline>(new WanPipeline());
  p->be_ = std::move(backend);
  Backend& be = *p->be_;
  Weights te = load_component(dir, "text_encoder", be, storage.of("text_encoder"), p->memory_);
  p->eos_token_id_ = te.config().int_or("eos_token_id", 1);
  p->te_ = std::make_unique<Umt5Encoder>(std::move(te), be);
  p->dir_ = dir;
  p->text_encoder_storage_ = storage.of("text_encoder");
  p->vocab_size_ = p->te_->config().vocab;
  p->transformer_ = std::make_unique<WanTransformer>(
      load_component(dir, "transformer", be, storage.of("transformer"), p->memory_), be);
  // The VAE's 3D kernels are small next to the transformer; keep them fp32.
  p->vae_ = std::make_unique<WanVaeDecoder>(load_component(dir, "vae", be, DType::F32, p->memory_), be);
  if (p->transformer_->config().image_conditioned()) p->load_image_conditioning(dir, storage.of("image_encoder"));
  const std::string sched_path = dir + "/scheduler/scheduler_config.json";
  check(is_file(sched_path), ErrorCode::NotFound, "no scheduler/scheduler_config.json in " + dir);
  p->sched_cfg_ = FlowSchedulerConfig::from_json(json::parse_file(sched_path));
  return p;
}

WanPipeline::~WanPipeline() {
  vae_encoder_.reset();
  image_encoder_.reset();
  te_.reset();
  transformer_.reset();
  vae_.reset();
  release_block_cache();
}

int64_t WanPipeline::vae_scale_spatial() const {
  return int64_t{1} << vae_->config().temporal_downsample.size();
}

int64_t WanPipeline::vae_scale_temporal() const {
  int64_t s = 1;
  for (bool t : vae_->config().temporal_downsample) s *= t ? 2 : 1;
  return s;
}

int64_t WanPipeline::valid_frames(int64_t num_frames) const {
  const int64_t t = vae_scale_temporal();
  if (t == 1 || num_frames % t == 1) return num_frames;
  return num_frames / t * t + 1;
}

const Umt5Encoder& WanPipeline::text_encoder() const {
  if (!te_) te_ = std::make_unique<Umt5Encoder>(Weights::load(dir_ + "/text_encoder", *be_, text_encoder_storage_), *be_);
  return *te_;
}

void WanPipeline::set_release_text_encoder(bool release) {
  release_text_encoder_ = release;
  if (release) te_.reset();
}

Tensor WanPipeline::encode_prompt(const std::vector<int64_t>& ids, const std::vector<int64_t>& mask,
                                  Trace* trace) const {
  return wan_prompt_embeds(be_->download(text_encoder().encode(ids, mask, 1, trace)), mask);
}

FlowSchedulerConfig WanPipeline::resolve_scheduler(const std::string& name, double shift) const {
  FlowSchedulerConfig c = sched_cfg_;
  if (name == "flow_euler" || name == "euler") c.kind = FlowKind::Euler;
  else if (name == "unipc" || name == "unipc_flow") c.kind = FlowKind::UniPC;
  else check(name.empty(), ErrorCode::InvalidArgument, "unknown WAN scheduler \"" + name + "\" (expected flow_euler or unipc)");
  if (shift > 0) c.shift = shift;
  return c;
}

}  // namespace gpuq
