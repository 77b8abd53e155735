#include "pipeline/tiny_checkpoint.h"

#include <sys/stat.h>

#include <cmath>
#include <fstream>
#include <random>
#include <thread>

#include "io/safetensors.h"
#include "tensor/dtype.h"
#include "util/error.h"
#include "util/thread_pool.h"

namespace gpuq {

namespace {

const char* kModelIndex = R"({"_class_name": "StableDiffusionXLPipeline", "_diffusers_version": "0.33.1",
 "force_zeros_for_empty_prompt": true, "feature_extractor": [null, null], "image_encoder": [null, null],
 "scheduler": ["diffusers", "EulerDiscreteScheduler"], "text_encoder": ["transformers", "CLIPTextModel"],
 "text_encoder_2": ["transformers", "CLIPTextModelWithProjection"], "tokenizer": ["transformers", "CLIPTokenizer"],
 "tokenizer_2": ["transformers", "CLIPTokenizer"], "unet": ["diffusers", "UNet2DConditionModel"],
 "vae": ["diffusers", "AutoencoderKL"]})";

// diffusers' SDXL pipeline test model (tests/pipelines/stable_diffusion_xl get_dummy_components).
const char* kUnet = R"({"_class_name": "UNet2DConditionModel", "act_fn": "silu", "addition_embed_type": "text_time",
 "addition_time_embed_dim": 8, "attention_head_dim": [2, 4], "block_out_channels": [2, 4],
 "cross_attention_dim": 64, "down_block_types": ["DownBlock2D", "CrossAttnDownBlock2D"], "flip_sin_to_cos": true,
 "freq_shift": 0, "in_channels": 4, "layers_per_block": 2, "mid_block_type": "UNetMidBlock2DCrossAttn",
 "norm_eps": 1e-05, "norm_num_groups": 1, "out_channels": 4, "projection_class_embeddings_input_dim": 80,
 "sample_size": 32, "transformer_layers_per_block": [1, 2], "up_block_types": ["CrossAttnUpBlock2D", "UpBlock2D"],
 "use_linear_projection": true})";

const char* kVae = R"({"_class_name": "AutoencoderKL", "act_fn": "silu", "block_out_channels": [32, 64],
 "down_block_types": ["DownEncoderBlock2D", "DownEncoderBlock2D"], "in_channels": 3, "latent_channels": 4,
 "layers_per_block": 1, "norm_num_groups": 32, "out_channels": 3, "sample_size": 128, "scaling_factor": 0.18215,
 "up_block_types": ["UpDecoderBlock2D", "UpDecoderBlock2D"], "mid_block_add_attention": true,
 "use_post_quant_conv": true, "use_quant_conv": true, "latents_mean": null, "latents_std": null})";

std::string clip_config(bool projection) {
  return std::string(R"({"architectures": [")") + (projection ? "CLIPTextModelWithProjection" : "CLIPTextModel") +
         R"("], "bos_token_id": 0, "eos_token_id": 2, "hidden_act": "gelu", "hidden_size": 32,
 "intermediate_size": 37, "layer_norm_eps": 1e-05, "max_position_embeddings": 77, "model_type": "clip_text_model",
 "num_attention_heads": 4, "num_hidden_layers": 5, "pad_token_id": 1, "projection_dim": 32, "vocab_size": 1000})";
}

const char* kScheduler = R"({"_class_name": "EulerDiscreteScheduler", "beta_end": 0.012,
 "beta_schedule": "scaled_linear", "beta_start": 0.00085, "final_sigmas_type": "zero", "interpolation_type": "linear",
 "num_train_timesteps": 1000, "prediction_type": "epsilon", "steps_offset": 1, "timestep_spacing": "leading",
 "timestep_type": "discrete", "use_karras_sigmas": false})";

void write_text(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  check(static_cast<bool>(f), ErrorCode::NotFound, "cannot create " + path);
  f << text;
}

void make_dir(const std::string& path) {
  if (mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) throw Error(ErrorCode::NotFound, "cannot create " + path);
}

// A byte-level vocabulary without merges: every byte symbol alone (ids 0-255) and word-final
// (256-511), then <|startoftext|> (512) and <|endoftext|> (513). Any text tokenises, one token per
// byte. The text configs' eos_token_id 2 selects transformers' argmax pooling, which lands on
// the eos here too because 513 is the largest id.
void write_tokenizer(const std::string& dir) {
  make_dir(dir);
  std::string vocab = "{";
  int id = 0;
  auto add = [&](const std::string& token) {
    std::string esc;
    for (char c : token) esc += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
    vocab += (id ? ", \"" : "\"") + esc + "\": " + std::to_string(id);
    ++id;
  };
  auto symbol = [](int b) {
    // The GPT-2 byte alphabet: printable Latin-1 maps to itself, the rest to U+0100 upwards.
    static int table[256];
    static bool built = false;
    if (!built) {
      int next = 0;
      for (int i = 0; i < 256; ++i) {
        bool printable = (i >= 0x21 && i <= 0x7e) || (i >= 0xa1 && i <= 0xac) || (i >= 0xae && i <= 0xff);
        table[i] = printable ? i : 256 + next++;
      }
      built = true;
    }
    int cp = table[b];
    std::string s;
    if (cp < 0x80) s += static_cast<char>(cp);
    else {
      s += static_cast<char>(0xC0 | (cp >> 6));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    }
    return s;
  };
  for (int b = 0; b < 256; ++b) add(symbol(b));
  for (int b = 0; b < 256; ++b) add(symbol(b) + "</w>");
  add("<|startoftext|>");
  add("<|endoftext|>");
  write_text(dir + "/vocab.json", vocab + "}");
  write_text(dir + "/merges.txt", "#version: 0.2\n");
}

}  // namespace

std::map<std::string, Tensor> random_weights(const ParamSpecs& specs, uint64_t seed) {
  std::map<std::string, Tensor> out;
  for (const auto& [name, shape] : specs) out[name] = Tensor::empty(shape);
  std::vector<std::pair<std::string, Tensor*>> items;
  for (auto& [name, t] : out) items.emplace_back(name, &t);
  ThreadPool pool(default_thread_count());
  pool.parallel_for(static_cast<int64_t>(items.size()), [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i) {
      const std::string& name = items[i].first;
      Tensor& t = *items[i].second;
      // splitmix64 -> uniform(-sqrt(3), sqrt(3)): unit variance like N(0,1), ~10x cheaper to draw,
      // which matters for the 2.6B-parameter benchmark UNet.
      uint64_t state = seed * 0x9E3779B97F4A7C15ull + std::hash<std::string>{}(name);
      auto normal = [&state](auto&) {
        uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        z ^= z >> 31;
        return (static_cast<float>(z >> 40) * (1.0f / 16777216.0f) - 0.5f) * 3.4641016f;
      };
      int rng = 0;
      const bool is_bias = name.size() > 5 && name.compare(name.size() - 5, 5, ".bias") == 0;
      const bool is_norm = t.ndim() == 1 && !is_bias;
      const float fan_in = t.ndim() >= 2 ? static_cast<float>(t.numel() / t.dim(0)) : 1.0f;
      const float scale = t.ndim() >= 2 ? 1.0f / std::sqrt(fan_in) : (is_norm ? 0.1f : 0.02f);
      float* p = t.f32();
      for (int64_t k = 0; k < t.numel(); ++k) p[k] = (is_norm ? 1.0f : 0.0f) + scale * normal(rng);
    }
  });
  return out;
}

void write_tiny_sdxl_checkpoint(const std::string& dir, const TinyCheckpointOptions& options) {
  make_dir(dir);
  write_text(dir + "/model_index.json", kModelIndex);
  make_dir(dir + "/scheduler");
  write_text(dir + "/scheduler/scheduler_config.json", kScheduler);
  write_tokenizer(dir + "/tokenizer");
  write_tokenizer(dir + "/tokenizer_2");

  make_dir(dir + "/unet");
  write_text(dir + "/unet/config.json", kUnet);
  json::Value ucfg = json::parse(kUnet);
  write_safetensors(dir + "/unet/diffusion_pytorch_model.safetensors",
                    random_weights(unet_param_specs(UNetConfig::from_json(ucfg), 80), options.seed));

  make_dir(dir + "/vae");
  write_text(dir + "/vae/config.json", kVae);
  json::Value vcfg = json::parse(kVae);
  write_safetensors(dir + "/vae/diffusion_pytorch_model.safetensors",
                    random_weights(vae_param_specs(VaeConfig::from_json(vcfg), 3, vcfg.at("down_block_types").string_list()),
                                   options.seed + 1));

  for (int e = 1; e <= 2; ++e) {
    std::string sub = dir + (e == 1 ? "/text_encoder" : "/text_encoder_2");
    make_dir(sub);
    std::string cfg = clip_config(e == 2);
    write_text(sub + "/config.json", cfg);
    write_safetensors(sub + "/model.safetensors",
                      random_weights(clip_param_specs(ClipConfig::from_json(json::parse(cfg)), e == 2 ? 32 : 0),
                                     options.seed + 1 + e));
  }
}

std::string tiny_unet_config_json() { return kUnet; }

std::string sdxl_base_unet_config_json() {
  return R"({"_class_name": "UNet2DConditionModel", "act_fn": "silu", "addition_embed_type": "text_time",
 "addition_time_embed_dim": 256, "attention_head_dim": [5, 10, 20], "block_out_channels": [320, 640, 1280],
 "cross_attention_dim": 2048, "down_block_types": ["DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"],
 "flip_sin_to_cos": true, "freq_shift": 0, "in_channels": 4, "layers_per_block": 2,
 "mid_block_type": "UNetMidBlock2DCrossAttn", "norm_eps": 1e-05, "norm_num_groups": 32, "out_channels": 4,
 "projection_class_embeddings_input_dim": 2816, "sample_size": 128, "transformer_layers_per_block": [1, 2, 10],
 "up_block_types": ["CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"], "use_linear_projection": true})";
}

}  // namespace gpuq
