// SdxlPipeline::generate: the denoising loop with classifier-free guidance and the decode.
#include <cstring>

#include "pipeline/image.h"
#include "pipeline/sdxl.h"
#include "tensor/block_cache.h"
#include "util/error.h"

namespace gpuq {

namespace {

Tensor cat0(const Tensor& a, const Tensor& b) {
  Shape s = a.shape();
  s[0] += b.dim(0);
  Tensor out = Tensor::empty(s);
  std::memcpy(out.f32(), a.f32(), a.nbytes());
  std::memcpy(out.f32() + a.numel(), b.f32(), b.nbytes());
  return out;
}

Tensor scaled(const Tensor& x, float s) {
  Tensor out = Tensor::empty(x.shape());
  for (int64_t i = 0; i < x.numel(); ++i) out.f32()[i] = x.f32()[i] * s;
  return out;
}

Tensor scalar(float v) { return Tensor::from_vector({}, {v}); }

}  // namespace

GenerateResult SdxlPipeline::generate(const GenerateRequest& req, const GenerateHooks& hooks, Trace* trace) {
  const int64_t f = vae_scale_factor();
  check(req.height > 0 && req.width > 0 && req.height % f == 0 && req.width % f == 0, ErrorCode::InvalidArgument,
        "height and width must be positive multiples of " + std::to_string(f));
  const int64_t lh = req.height / f, lw = req.width / f, lc = unet_->config().in_channels;
  const Shape latent_shape{1, lc, lh, lw};
  auto record = [&](const std::string& name, const Tensor& t) {
    if (trace) (*trace)[name] = t.clone();
  };

  PromptEmbeds pos = encode_prompt(req.prompt_ids_1, req.prompt_ids_2);
  const bool cfg = req.guidance_scale > 1.0f;
  PromptEmbeds neg;
  if (cfg) {
    if (!req.negative_ids_1.empty() || !req.negative_ids_2.empty()) {
      neg = encode_prompt(req.negative_ids_1, req.negative_ids_2);
    } else {
      check(force_zeros_, ErrorCode::InvalidArgument,
            "this checkpoint encodes an empty negative prompt: pass its token ids");
      neg = {Tensor::zeros(pos.embeds.shape()), Tensor::zeros(pos.pooled.shape())};
    }
  }
  if (release_text_encoders_) release_text_encoders();
  const int64_t orig[2] = {req.original_size[0] ? req.original_size[0] : req.height,
                           req.original_size[1] ? req.original_size[1] : req.width};
  const int64_t target[2] = {req.target_size[0] ? req.target_size[0] : req.height,
                             req.target_size[1] ? req.target_size[1] : req.width};
  Tensor time_ids = add_time_ids(orig, req.crops_coords_top_left, target);

  UNetInputs in;
  in.encoder_hidden_states = be_->upload(cfg ? cat0(neg.embeds, pos.embeds) : pos.embeds);
  in.text_embeds = be_->upload(cfg ? cat0(neg.pooled, pos.pooled) : pos.pooled);
  in.time_ids = be_->upload(cfg ? cat0(time_ids, time_ids) : time_ids);
  CrossAttentionCache kv_cache;  // the context is fixed for the whole loop
  in.kv_cache = &kv_cache;

  Scheduler sched(resolve_scheduler(req.scheduler), req.steps);
  const int64_t steps = sched.steps();
  if (!req.step_noise.empty())
    check(static_cast<int64_t>(req.step_noise.size()) == steps, ErrorCode::InvalidArgument,
          "step_noise needs one tensor per step (" + std::to_string(steps) + ")");
  Tensor x0 = req.initial_latents.defined() ? req.initial_latents.to_f32() : seeded_normal(latent_shape, req.seed);
  check(x0.shape() == latent_shape, ErrorCode::InvalidArgument,
        "initial latents must be " + shape_str(latent_shape) + ", got " + shape_str(x0.shape()));
  if (trace) {
    const Schedule& s = sched.schedule();
    Tensor ts = Tensor::empty({steps}, s.integer_timesteps ? DType::I64 : DType::F32);
    for (int64_t i = 0; i < steps; ++i) {
      if (s.integer_timesteps) ts.i64()[i] = static_cast<int64_t>(s.timesteps[i]);
      else ts.f32()[i] = static_cast<float>(s.timesteps[i]);
    }
    (*trace)["timesteps"] = ts;
    (*trace)["sigmas"] = Tensor::from_vector({steps + 1}, s.sigmas);
  }
  Tensor x = scaled(x0, sched.init_noise_sigma());
  record("latents_scaled", x);

  for (int64_t i = 0; i < steps; ++i) {
    if (hooks.cancelled && hooks.cancelled())
      throw Error(ErrorCode::Cancelled, "generation cancelled before step " + std::to_string(i + 1));
    const std::string p = "step" + std::to_string(i) + ".";
    const float t = sched.timestep(i);
    record(p + "t", scalar(t));
    Tensor xin = scaled(x, sched.input_scale(i));
    in.sample = be_->upload(cfg ? cat0(xin, xin) : xin);
    record(p + "latent_model_input", be_->download(in.sample));
    in.timesteps = {t};
    Tensor pred = be_->download(unet_->forward(in));
    Tensor guided;
    if (cfg) {
      Tensor uncond = pred.slice0(0, 1), text = pred.slice0(1, 1);
      record(p + "noise_pred_uncond", uncond);
      record(p + "noise_pred_text", text);
      guided = Tensor::empty(uncond.shape());
      const float g = req.guidance_scale;
      for (int64_t k = 0; k < guided.numel(); ++k)
        guided.f32()[k] = uncond.f32()[k] + g * (text.f32()[k] - uncond.f32()[k]);
    } else {
      guided = pred;
    }
    record(p + "noise_pred", guided);
    Tensor noise;
    if (sched.needs_noise()) {
      // Per-step noise: given, or drawn from seed + 1 + step so each step's draw is reproducible.
      noise = req.step_noise.empty() ? seeded_normal(latent_shape, req.seed + 1 + static_cast<uint64_t>(i))
                                     : req.step_noise[static_cast<size_t>(i)].to_f32();
      record(p + "noise", noise);
    }
    x = sched.step(guided, i, x, noise.defined() ? &noise : nullptr);
    record(p + "latents", x);
    if (hooks.on_step) hooks.on_step(i + 1, steps);
  }

  // The loop's recycled activation blocks do not fit the decoder's sizes: give them back first,
  // so the decode's peak is not stacked on the UNet's.
  in = UNetInputs();
  kv_cache.kv.clear();
  release_block_cache();
  GenerateResult r;
  r.latents = x;
  Tensor z = latents_to_vae_input(x, vae_->config());
  record("vae_input", z);
  Tensor image = be_->download(vae_->decode(be_->upload(z)));
  r.image = image_to_nhwc01(image);
  r.image_u8 = nhwc01_to_u8(r.image);
  record("image_np", r.image);
  record("image_uint8", r.image_u8);
  release_block_cache();
  return r;
}

}  // namespace gpuq
