// WanPipeline::generate: the flow-matching loop with classifier-free guidance and the decode.
#include "models/wan_vae.h"
#include "pipeline/image.h"
#include "pipeline/wan.h"
#include "pipeline/wan_video.h"
#include "tensor/block_cache.h"
#include "util/error.h"

namespace gpuq {

WanGenerateResult WanPipeline::generate(const WanGenerateRequest& req, const GenerateHooks& hooks, Trace* trace) {
  const int64_t s = vae_scale_spatial(), unit = s * transformer_->config().patch[1];
  check(req.height > 0 && req.width > 0 && req.height % unit == 0 && req.width % unit == 0, ErrorCode::InvalidArgument,
        "height and width must be positive multiples of " + std::to_string(unit));
  check(req.num_frames >= 1 && req.steps >= 1, ErrorCode::InvalidArgument, "num_frames and steps must be >= 1");
  const int64_t frames = valid_frames(req.num_frames);
  const Shape latent_shape{1, vae_->config().z_dim, (frames - 1) / vae_scale_temporal() + 1, req.height / s,
                           req.width / s};
  auto record = [&](const std::string& name, const Tensor& t) {
    if (trace) (*trace)[name] = t.clone();
  };

  // Image-to-video: the image is required exactly when the checkpoint is conditioned on one.
  check(req.image.defined() || !supports_image(), ErrorCode::InvalidArgument,
        "this WAN checkpoint is image-to-video (transformer image_dim set): generate needs a conditioning image");
  WanImageCondition image;
  Tensor condition;  // on the backend, concatenated to the latents at every step
  if (req.image.defined()) {
    image = encode_image_condition(req.image, frames, req.height, req.width, trace);
    condition = be_->upload(image.condition);
  }
  const Tensor* image_embeds = image.image_embeds.defined() ? &image.image_embeds : nullptr;

  Tensor pos = be_->upload(encode_prompt(req.prompt_ids, req.prompt_mask));
  const bool cfg = req.guidance_scale > 1.0f;
  Tensor neg;
  if (cfg) {
    std::vector<int64_t> ids = req.negative_ids, mask = req.negative_mask;
    if (ids.empty()) {
      // WAN encodes a missing negative prompt as "": the eos token, then padding.
      ids.assign(req.prompt_ids.size(), 0);
      mask.assign(req.prompt_ids.size(), 0);
      ids[0] = eos_token_id_;
      mask[0] = 1;
    }
    neg = be_->upload(encode_prompt(ids, mask));
  }
  if (release_text_encoder_) te_.reset();
  CrossAttentionCache pos_kv, neg_kv;  // each context is fixed for the whole loop

  FlowScheduler sched(resolve_scheduler(req.scheduler, req.flow_shift), req.steps);
  const int64_t steps = sched.steps();
  Tensor x = req.initial_latents.defined() ? req.initial_latents.to_f32() : seeded_normal(latent_shape, req.seed);
  check(x.shape() == latent_shape, ErrorCode::InvalidArgument,
        "initial latents must be " + shape_str(latent_shape) + ", got " + shape_str(x.shape()));
  if (trace) {
    const FlowSchedule& fs = sched.schedule();
    Tensor ts = Tensor::empty({steps}, fs.integer_timesteps ? DType::I64 : DType::F32);
    for (int64_t i = 0; i < steps; ++i) {
      if (fs.integer_timesteps) ts.i64()[i] = static_cast<int64_t>(fs.timesteps[i]);
      else ts.f32()[i] = static_cast<float>(fs.timesteps[i]);
    }
    (*trace)["timesteps"] = ts;
    (*trace)["sigmas"] = Tensor::from_vector({steps + 1}, fs.sigmas);
  }

  for (int64_t i = 0; i < steps; ++i) {
    if (hooks.cancelled && hooks.cancelled())
      throw Error(ErrorCode::Cancelled, "generation cancelled before step " + std::to_string(i + 1));
    const std::string p = "step" + std::to_string(i) + ".";
    const float t = sched.timestep(i);
    record(p + "t", Tensor::from_vector({1}, {t}));
    Tensor xin = be_->upload(x);
    if (condition.defined()) xin = be_->concat(xin, condition, 1);
    // Both CFG branches see the same image embeddings (the pipeline passes them to each call).
    Tensor cond = be_->download(transformer_->forward(xin, {t}, pos, nullptr, &pos_kv, image_embeds));
    Tensor guided = cond;
    record(p + "noise_pred_cond", cond);
    if (cfg) {
      Tensor uncond = be_->download(transformer_->forward(xin, {t}, neg, nullptr, &neg_kv, image_embeds));
      record(p + "noise_pred_uncond", uncond);
      guided = Tensor::empty(cond.shape());
      const float g = req.guidance_scale;
      for (int64_t k = 0; k < guided.numel(); ++k)
        guided.f32()[k] = uncond.f32()[k] + g * (cond.f32()[k] - uncond.f32()[k]);
    }
    record(p + "noise_pred", guided);
    x = sched.step(guided, i, x);
    record(p + "latents", x);
    if (hooks.on_step) hooks.on_step(i + 1, steps);
  }

  pos_kv.kv.clear();
  neg_kv.kv.clear();
  image = WanImageCondition();
  condition = Tensor();
  release_block_cache();
  WanGenerateResult r;
  r.latents = x;
  Tensor z = wan_latents_to_vae_input(x, vae_->config());
  record("vae_input", z);
  r.frames = video_to_frames01(vae_->decode(z));
  r.frames_u8 = nhwc01_to_u8(r.frames);
  record("frames_np", r.frames);
  record("frames_uint8", r.frames_u8);
  release_block_cache();
  return r;
}

}  // namespace gpuq
