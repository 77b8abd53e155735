// The SDXL text-to-image pipeline (StableDiffusionXLPipeline semantics) over a diffusers folder:
// prompt assembly from both CLIP encoders, size conditioning (add_time_ids), the denoising loop
// with classifier-free guidance, and the VAE decode. Every stage is also exposed on its own so
// reference runs can be replayed stage by stage.
// Errors: NotFound (missing component), InvalidArgument (bad request), Cancelled (the cancel
// callback returned true between steps).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "models/clip.h"
#include "models/component_storage.h"
#include "models/unet.h"
#include "models/vae.h"
#include "sched/scheduler.h"

namespace gpuq {

struct PromptEmbeds {
  Tensor embeds;  // [1, L, D1 + D2]: concat of each encoder's second-to-last hidden state
  Tensor pooled;  // [1, P]: text_encoder_2's projected pooled output
};

struct GenerateRequest {
  // Token ids, one row of max_position_embeddings (77) per encoder. Negative empty = no negative
  // prompt (zero embeddings when the checkpoint sets force_zeros_for_empty_prompt).
  std::vector<int64_t> prompt_ids_1, prompt_ids_2, negative_ids_1, negative_ids_2;
  int64_t height = 1024, width = 1024, steps = 30;
  float guidance_scale = 5.0f;
  std::string scheduler;  // "" = the checkpoint's scheduler, else a SchedulerConfig::named name
  // Size conditioning; zeros mean the defaults (height, width) / (0, 0) / (height, width).
  int64_t original_size[2] = {0, 0}, crops_coords_top_left[2] = {0, 0}, target_size[2] = {0, 0};
  uint64_t seed = 0;
  Tensor initial_latents;          // optional [1, C, h, w], unit variance (before init_noise_sigma)
  std::vector<Tensor> step_noise;  // optional, one per step, for ancestral samplers
};

struct GenerateHooks {
  std::function<void(int64_t step, int64_t total)> on_step;  // after each step
  std::function<bool()> cancelled;                            // polled before each step
};

struct GenerateResult {
  Tensor latents;     // final latents [1, C, h, w]
  Tensor image;       // [1, H, W, 3] float in [0, 1]
  Tensor image_u8;    // [1, H, W, 3] uint8
};

class SdxlPipeline {
 public:
  // `storage`: F32 (default), or F16 / BF16 per component to keep matrices in half precision
  // (compute stays fp32; about half the memory, some speed lost to widening). The VAE stays F32
  // when its config sets force_upcast.
  static std::unique_ptr<SdxlPipeline> load(const std::string& dir, std::shared_ptr<Backend> backend,
                                            const ComponentStorage& storage = DType::F32);
  // A single-file checkpoint (sd_xl_base_1.0.safetensors layout, models/sdxl_single_file.h). The
  // file holds no configs: they come from `config_dir`, a diffusers folder without weights
  // (model_index.json, <component>/config.json, scheduler/scheduler_config.json). Its text
  // encoders stay loaded (set_release_text_encoders(true) is refused: nothing to reload from).
  static std::unique_ptr<SdxlPipeline> load_single_file(const std::string& file, const std::string& config_dir,
                                                        std::shared_ptr<Backend> backend,
                                                        const ComponentStorage& storage = DType::F32);
  // Gives recycled activation buffers back to the system along with the weights.
  ~SdxlPipeline();

  Backend& backend() { return *be_; }
  // The text encoders, loaded again first if they were released.
  const ClipTextEncoder& text_encoder_1() const;
  const ClipTextEncoder& text_encoder_2() const;
  int64_t max_tokens() const { return max_tokens_; }
  // When set, generate() frees both text encoders once the prompts are encoded (the memory plan
  // asks for it when they and the denoising working set do not fit together); the next encode
  // loads them again from the folder. Setting it releases them now.
  void set_release_text_encoders(bool release);
  const UNet& unet() const { return *unet_; }
  const VaeDecoder& vae() const { return *vae_; }
  const SchedulerConfig& scheduler_config() const { return sched_cfg_; }
  bool force_zeros_for_empty_prompt() const { return force_zeros_; }
  // Storage dtype and tensor bytes of each loaded component.
  const ComponentMemoryMap& component_memory() const { return memory_; }
  int64_t vae_scale_factor() const { return vae_->config().scale_factor(); }

  PromptEmbeds encode_prompt(const std::vector<int64_t>& ids_1, const std::vector<int64_t>& ids_2) const;
  // The assembly step alone, from both encoders' outputs (for stage-by-stage callers).
  PromptEmbeds assemble_prompt(const ClipOutput& o1, const ClipOutput& o2) const;
  // [1, 6] float: original (h, w), crop (top, left), target (h, w).
  static Tensor add_time_ids(const int64_t original[2], const int64_t crop[2], const int64_t target[2]);
  SchedulerConfig resolve_scheduler(const std::string& name) const;

  // Runs the whole loop. With `trace`, records the loop's tensors under the fixtures' names
  // (timesteps, sigmas, latents_scaled, step<i>.*, vae_input, image_np, image_uint8).
  GenerateResult generate(const GenerateRequest& req, const GenerateHooks& hooks, Trace* trace = nullptr);

 private:
  void release_text_encoders() const;

  std::shared_ptr<Backend> be_;
  std::string dir_;
  ComponentStorage storage_;
  // Loaded on demand by the const accessors, hence mutable.
  mutable std::unique_ptr<ClipTextEncoder> te1_, te2_;
  bool release_text_encoders_ = false;
  int64_t max_tokens_ = 77;
  std::unique_ptr<UNet> unet_;
  std::unique_ptr<VaeDecoder> vae_;
  SchedulerConfig sched_cfg_;
  bool force_zeros_ = true;
  ComponentMemoryMap memory_;
};

// Draws N(0, 1) values from a seeded 64-bit Mersenne Twister with Box-Muller: deterministic per
// seed and platform-independent (not PyTorch's stream; give explicit latents to match PyTorch).
Tensor seeded_normal(const Shape& shape, uint64_t seed);

}  // namespace gpuq
