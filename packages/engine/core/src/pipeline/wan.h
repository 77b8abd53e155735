// The WAN 2.1 text-to-video pipeline (WanPipeline semantics) over a diffusers folder: UMT5 prompt
// embeddings (zeroed past each prompt's length), the flow-matching loop with classifier-free
// guidance (the transformer called once per prompt, batch 1, prompt first), and the causal VAE
// decode to frames. num_frames = 1 is text-to-image. Every stage is exposed for replay.
// Image-to-video checkpoints (transformer image_dim set; WanImageToVideoPipeline semantics) also
// load image_encoder/ (CLIP vision), image_processor/ and the VAE encoder, and take a conditioning
// image: its CLIP penultimate hidden state goes to both CFG branches, and the VAE-encoded video
// [image, zero frames...] (normalised) plus a first-frame mask are concatenated to the latents at
// every step (wan_image_condition.cpp).
// Errors: NotFound (missing component), InvalidArgument (bad request; an image for a text-to-video
// checkpoint, none for an image-to-video one), Unsupported (scheduler options, unknown image
// conditioning layouts), Cancelled (the cancel callback returned true between steps).
#pragma once

#include <memory>
#include <string>

#include "models/clip_vision.h"
#include "models/component_storage.h"
#include "models/umt5.h"
#include "models/wan_transformer.h"
#include "models/wan_vae.h"
#include "models/wan_vae_encoder.h"
#include "pipeline/clip_image_processor.h"
#include "pipeline/sdxl.h"  // GenerateHooks, seeded_normal
#include "sched/flow_scheduler.h"

namespace gpuq {

// An 8-bit RGB image, row-major (height * width * 3 bytes).
struct RgbImage {
  std::vector<uint8_t> rgb;
  int64_t width = 0, height = 0;
  bool defined() const { return !rgb.empty(); }
};

// What an image-to-video generation conditions on, besides the text.
struct WanImageCondition {
  Tensor image_embeds;  // [1, tokens, image_dim]: CLIP's penultimate hidden state (backend)
  Tensor condition;     // [1, 4 + z_dim, T, h, w]: first-frame mask, then normalised latents (CPU)
};

struct WanGenerateRequest {
  // Token ids and attention masks of one row each (max_sequence_length, 512 for real WAN). An
  // empty negative is the empty string: [eos] and padding, as WAN's pipeline encodes "".
  std::vector<int64_t> prompt_ids, prompt_mask, negative_ids, negative_mask;
  int64_t height = 480, width = 832, num_frames = 81, steps = 50;
  float guidance_scale = 5.0f;  // <= 1 disables CFG
  // "" = the checkpoint's scheduler; "flow_euler" or "unipc" switch family keeping the shift.
  std::string scheduler;
  double flow_shift = 0;  // > 0 overrides the config's shift / flow_shift
  uint64_t seed = 0;
  Tensor initial_latents;  // optional [1, z_dim, T, h, w]
  RgbImage image;          // image-to-video checkpoints only (required there); resized to width x height
};

struct WanGenerateResult {
  Tensor latents;    // final latents [1, z_dim, T, h, w]
  Tensor frames;     // [1, F, H, W, 3] float in [0, 1]
  Tensor frames_u8;  // [1, F, H, W, 3] uint8
};

class WanPipeline {
 public:
  // `storage` per component (text_encoder, transformer, image_encoder); the VAE stays F32.
  static std::unique_ptr<WanPipeline> load(const std::string& dir, std::shared_ptr<Backend> backend,
                                           const ComponentStorage& storage = DType::F32);
  ~WanPipeline();

  Backend& backend() { return *be_; }
  // The text encoder, loaded again first if it was released.
  const Umt5Encoder& text_encoder() const;
  int64_t vocab_size() const { return vocab_size_; }
  // When set, generate() frees UMT5 once the prompts are encoded (the memory plan asks for it
  // when it and the denoising working set do not fit together); the next encode loads it again.
  // Setting it releases it now.
  void set_release_text_encoder(bool release);
  const WanTransformer& transformer() const { return *transformer_; }
  const WanVaeDecoder& vae() const { return *vae_; }
  // Whether the checkpoint is image-to-video (then generate needs an image).
  bool supports_image() const { return image_encoder_ != nullptr; }
  const WanVaeEncoder& vae_encoder() const;
  const ClipVisionEncoder& image_encoder() const;
  const FlowSchedulerConfig& scheduler_config() const { return sched_cfg_; }
  // Storage dtype and tensor bytes of each loaded component.
  const ComponentMemoryMap& component_memory() const { return memory_; }
  int64_t vae_scale_spatial() const;
  int64_t vae_scale_temporal() const;
  // The frame count WanPipeline uses: num_frames rounded down to 4k + 1.
  int64_t valid_frames(int64_t num_frames) const;

  // [1, L, text_dim] CPU: last_hidden_state with rows past sum(mask) zeroed.
  Tensor encode_prompt(const std::vector<int64_t>& ids, const std::vector<int64_t>& mask, Trace* trace = nullptr) const;
  FlowSchedulerConfig resolve_scheduler(const std::string& name, double shift) const;
  // The image conditioning for a frames x height x width generation (supports_image() only). With
  // `trace`: image_pixel_values, image_embeds, video_condition, latent_condition, condition.
  WanImageCondition encode_image_condition(const RgbImage& image, int64_t frames, int64_t height, int64_t width,
                                           Trace* trace = nullptr) const;

  // With `trace`: timesteps, sigmas, step<i>.{t, noise_pred_cond, noise_pred_uncond, noise_pred,
  // latents}, vae_input, frames_np, frames_uint8 (the names of loops.safetensors).
  WanGenerateResult generate(const WanGenerateRequest& req, const GenerateHooks& hooks, Trace* trace = nullptr);

 private:
  void load_image_conditioning(const std::string& dir, DType image_encoder_storage);

  std::shared_ptr<Backend> be_;
  std::string dir_;
  DType text_encoder_storage_ = DType::F32;
  // Loaded on demand by the const accessor, hence mutable.
  mutable std::unique_ptr<Umt5Encoder> te_;
  bool release_text_encoder_ = false;
  int64_t vocab_size_ = 0;
  std::unique_ptr<WanTransformer> transformer_;
  std::unique_ptr<WanVaeDecoder> vae_;
  // Image-to-video only (null otherwise).
  std::unique_ptr<ClipVisionEncoder> image_encoder_;
  std::unique_ptr<WanVaeEncoder> vae_encoder_;
  ClipImageProcessorConfig image_processor_;
  FlowSchedulerConfig sched_cfg_;
  int64_t eos_token_id_ = 1;
  ComponentMemoryMap memory_;
};

}  // namespace gpuq
