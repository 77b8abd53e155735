// The image-to-video parts of the WAN models, without a reference (none exists for I2V here), as
// checks that fail on wrong wiring:
// - WanTransformer3DModel with image_dim / added_kv_proj_dim, built from the wan-tiny fixture's
//   transformer weights plus random image weights (patch embedding widened to 36 channels): the
//   output shape; with add_v_proj zeroed the image attention adds nothing, so the output equals
//   the same weights run as a text-only model (image output added to, not replacing, the text
//   attention); with real add_v_proj it changes, and changes with the image embeddings; image
//   embeddings are required by an I2V model and refused by a T2V one.
// - The CLIP vision tower: its embeddings against a hand computation (bias-free patch conv, class
//   token, positions, pre_layrnorm), its layers non-causal (the class token sees the last patch),
//   and hidden_states[-2] = the output of the penultimate layer. Its layers run
//   clip_encoder_layer, the code test_clip_fixture checks against the SDXL text encoders.
// - CLIPImageProcessor: shortest-edge resize, center crop, rescale and normalisation.
#include <cmath>
#include <random>

#include "backend/backend.h"
#include "models/clip_vision.h"
#include "models/wan_transformer.h"
#include "pipeline/clip_image_processor.h"
#include "pipeline/wan.h"
#include "test_util.h"

using namespace gpuq;

namespace {

std::mt19937 rng(11);

Tensor randn(const Shape& s, float scale) {
  std::normal_distribution<float> d(0.0f, scale);
  Tensor x = Tensor::empty(s);
  for (int64_t i = 0; i < x.numel(); ++i) x.f32()[i] = d(rng);
  return x;
}

float max_diff(const Tensor& a, const Tensor& b) {
  float w = 0;
  for (int64_t i = 0; i < a.numel(); ++i) w = std::max(w, std::fabs(a.f32()[i] - b.f32()[i]));
  return w;
}

template <typename F>
bool throws(ErrorCode code, const std::string& needle, F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code() == code && std::string(e.what()).find(needle) != std::string::npos;
  }
  return false;
}

void transformer(Backend& be, const std::string& dir) {
  const int64_t dim = 24, image_dim = 20;
  SafeTensorsFile file = SafeTensorsFile::open(dir + "/transformer/diffusion_pytorch_model.safetensors");
  std::map<std::string, Tensor> base;
  for (const auto& n : file.names()) base[n] = file.get(n).to_f32(true);
  base["patch_embedding.weight"] = randn({dim, 36, 1, 2, 2}, 0.1f);
  std::map<std::string, Tensor> i2v = base;
  const std::string e = "condition_embedder.image_embedder.";
  i2v[e + "norm1.weight"] = randn({image_dim}, 0.1f);
  for (int64_t i = 0; i < image_dim; ++i) i2v[e + "norm1.weight"].f32()[i] += 1.0f;
  i2v[e + "norm1.bias"] = randn({image_dim}, 0.1f);
  i2v[e + "ff.net.0.proj.weight"] = randn({image_dim, image_dim}, 0.2f);
  i2v[e + "ff.net.0.proj.bias"] = randn({image_dim}, 0.1f);
  i2v[e + "ff.net.2.weight"] = randn({dim, image_dim}, 0.2f);
  i2v[e + "ff.net.2.bias"] = randn({dim}, 0.1f);
  i2v[e + "norm2.weight"] = Tensor::full({dim}, 1.0f);
  i2v[e + "norm2.bias"] = randn({dim}, 0.1f);
  for (int b = 0; b < 2; ++b) {
    const std::string p = "blocks." + std::to_string(b) + ".attn2.";
    i2v[p + "add_k_proj.weight"] = randn({dim, dim}, 0.3f);
    i2v[p + "add_k_proj.bias"] = randn({dim}, 0.1f);
    i2v[p + "add_v_proj.weight"] = randn({dim, dim}, 0.3f);
    i2v[p + "add_v_proj.bias"] = randn({dim}, 0.1f);
    i2v[p + "norm_added_k.weight"] = Tensor::full({dim}, 1.0f);
  }
  std::map<std::string, Tensor> silent = i2v;  // the image values zeroed: no image contribution
  for (int b = 0; b < 2; ++b) {
    const std::string p = "blocks." + std::to_string(b) + ".attn2.";
    silent[p + "add_v_proj.weight"] = Tensor::zeros({dim, dim});
    silent[p + "add_v_proj.bias"] = Tensor::zeros({dim});
  }
  // The fixture's transformer config with 36 input channels and, for I2V, the image keys.
  auto with = [](const std::string& image_keys) {
    return json::parse(R"({"_class_name": "WanTransformer3DModel", "attention_head_dim": 12,
      "cross_attn_norm": true, "eps": 1e-06, "ffn_dim": 32, "freq_dim": 256, "num_attention_heads": 2,
      "num_layers": 2, "patch_size": [1, 2, 2], "qk_norm": "rms_norm_across_heads", "rope_max_seq_len": 32,
      "text_dim": 32, )" + image_keys + "}");
  };
  const json::Value text_cfg =
      with(R"("in_channels": 36, "out_channels": 16, "image_dim": null, "added_kv_proj_dim": null)");
  const json::Value image_cfg = with(R"("in_channels": 36, "out_channels": 16, "image_dim": 20, "added_kv_proj_dim": 24)");
  WanTransformer text_model(Weights::from_tensors(base, text_cfg, be), be);
  WanTransformer image_model(Weights::from_tensors(i2v, image_cfg, be), be);
  WanTransformer silent_model(Weights::from_tensors(silent, image_cfg, be), be);
  CHECK(image_model.config().image_conditioned() && !text_model.config().image_conditioned());

  const Tensor x = be.upload(randn({1, 36, 3, 4, 6}, 1.0f));
  const Tensor ctx = be.upload(randn({1, 16, 32}, 1.0f));
  const Tensor img = be.upload(randn({1, 5, image_dim}, 1.0f));
  const Tensor img2 = be.upload(randn({1, 5, image_dim}, 1.0f));
  Trace trace;
  const Tensor out = be.download(image_model.forward(x, {500.0f}, ctx, &trace, nullptr, &img));
  CHECK(out.shape() == Shape({1, 16, 3, 4, 6}));
  CHECK(trace.at("image_embedder").shape() == Shape({1, 5, dim}));
  const Tensor text_out = be.download(text_model.forward(x, {500.0f}, ctx));
  const Tensor silent_out = be.download(silent_model.forward(x, {500.0f}, ctx, nullptr, nullptr, &img));
  CHECK(max_diff(silent_out, text_out) <= 1e-5f);
  CHECK(max_diff(out, text_out) > 1e-3f);
  const Tensor out2 = be.download(image_model.forward(x, {500.0f}, ctx, nullptr, nullptr, &img2));
  CHECK(max_diff(out, out2) > 1e-3f);
  // The cached K/V path gives the same result as the uncached one, step after step.
  CrossAttentionCache cache;
  image_model.forward(x, {500.0f}, ctx, nullptr, &cache, &img);
  CHECK(max_diff(be.download(image_model.forward(x, {500.0f}, ctx, nullptr, &cache, &img)), out) == 0.0f);

  CHECK(throws(ErrorCode::InvalidArgument, "needs image embeddings", [&] { image_model.forward(x, {500.0f}, ctx); }));
  CHECK(throws(ErrorCode::InvalidArgument, "text-only", [&] {
    text_model.forward(x, {500.0f}, ctx, nullptr, nullptr, &img);
  }));
  CHECK(throws(ErrorCode::Unsupported, "added_kv_proj_dim", [&] {
    WanTransformerConfig::from_json(with(R"("image_dim": 20, "added_kv_proj_dim": 12)"));
  }));
}

void clip_vision(Backend& be) {
  const int64_t hid = 8, size = 8, patch = 4, tokens = 5;
  std::map<std::string, Tensor> w;
  const std::string v = "vision_model.";
  w[v + "embeddings.patch_embedding.weight"] = randn({hid, 3, patch, patch}, 0.2f);
  w[v + "embeddings.class_embedding"] = randn({hid}, 1.0f);
  w[v + "embeddings.position_embedding.weight"] = randn({tokens, hid}, 1.0f);
  w[v + "pre_layrnorm.weight"] = randn({hid}, 0.2f);
  w[v + "pre_layrnorm.bias"] = randn({hid}, 0.2f);
  for (int i = 0; i < 3; ++i) {
    const std::string p = v + "encoder.layers." + std::to_string(i) + ".";
    for (const char* n : {"layer_norm1", "layer_norm2"}) {
      w[p + n + ".weight"] = Tensor::full({hid}, 1.0f);
      w[p + n + ".bias"] = randn({hid}, 0.1f);
    }
    for (const char* n : {"q_proj", "k_proj", "v_proj", "out_proj"}) {
      w[p + "self_attn." + n + ".weight"] = randn({hid, hid}, 0.4f);
      w[p + "self_attn." + n + ".bias"] = randn({hid}, 0.1f);
    }
    w[p + "mlp.fc1.weight"] = randn({16, hid}, 0.3f);
    w[p + "mlp.fc1.bias"] = randn({16}, 0.1f);
    w[p + "mlp.fc2.weight"] = randn({hid, 16}, 0.3f);
    w[p + "mlp.fc2.bias"] = randn({hid}, 0.1f);
  }
  const std::map<std::string, Tensor> host = w;
  ClipVisionEncoder enc(
      Weights::from_tensors(w, json::parse(R"({"hidden_size": 8, "intermediate_size": 16, "num_hidden_layers": 3,
        "num_attention_heads": 2, "image_size": 8, "patch_size": 4, "num_channels": 3, "hidden_act": "gelu",
        "layer_norm_eps": 1e-5})"),
                            be),
      be);
  const Tensor px = randn({1, 3, size, size}, 1.0f);
  std::vector<Tensor> hs = enc.hidden_states(px, 3);
  CHECK(hs.size() == 4 && be.download(hs[0]).shape() == Shape({1, tokens, hid}));

  // Embeddings by hand: token 0 = class + pos 0; token 1 + q = patch q (row-major) + pos q + 1.
  const Tensor h0 = be.download(hs[0]);
  const float* pw = host.at(v + "embeddings.patch_embedding.weight").f32();
  for (int64_t tok = 0; tok < tokens; ++tok) {
    std::vector<double> e(hid);
    for (int64_t c = 0; c < hid; ++c) {
      double s = host.at(v + "embeddings.position_embedding.weight").f32()[tok * hid + c];
      if (tok == 0) {
        s += host.at(v + "embeddings.class_embedding").f32()[c];
      } else {
        const int64_t py = (tok - 1) / 2, pxx = (tok - 1) % 2;
        for (int64_t ch = 0; ch < 3; ++ch)
          for (int64_t y = 0; y < patch; ++y)
            for (int64_t x = 0; x < patch; ++x)
              s += pw[((c * 3 + ch) * patch + y) * patch + x] *
                   px.f32()[(ch * size + py * patch + y) * size + pxx * patch + x];
      }
      e[c] = s;
    }
    double mean = 0, var = 0;
    for (double x : e) mean += x / hid;
    for (double x : e) var += (x - mean) * (x - mean) / hid;
    for (int64_t c = 0; c < hid; ++c) {
      const double want = (e[c] - mean) / std::sqrt(var + 1e-5) * host.at(v + "pre_layrnorm.weight").f32()[c] +
                          host.at(v + "pre_layrnorm.bias").f32()[c];
      CHECK_NEAR(h0.f32()[tok * hid + c], want, 1e-4);
    }
  }
  // hidden_states[-2]: the first two layers' output.
  CHECK(max_diff(be.download(enc.penultimate(px)), be.download(hs[2])) == 0.0f);
  // Not causal: the class token (position 0) changes when only the last patch changes.
  Tensor px2 = px.clone();
  for (int64_t ch = 0; ch < 3; ++ch) px2.f32()[(ch * size + size - 1) * size + size - 1] += 3.0f;
  const Tensor a = be.download(enc.hidden_states(px, 1)[1]), b = be.download(enc.hidden_states(px2, 1)[1]);
  float cls = 0;
  for (int64_t c = 0; c < hid; ++c) cls = std::max(cls, std::fabs(a.f32()[c] - b.f32()[c]));
  CHECK(cls > 1e-5f);
  CHECK(throws(ErrorCode::InvalidArgument, "pixel values", [&] { enc.penultimate(randn({1, 3, 4, 4}, 1.0f)); }));
}

void image_processor() {
  // 40 x 20 (w x h): shortest edge 10 -> 20 x 10, crop 8 x 8 at top 1, left 6.
  ClipImageProcessorConfig cfg = ClipImageProcessorConfig::from_json(json::parse(
      R"({"do_resize": true, "size": {"shortest_edge": 10}, "resample": 3, "do_center_crop": true,
          "crop_size": {"height": 8, "width": 8}, "do_rescale": true, "rescale_factor": 0.00392156862745098,
          "do_normalize": true, "image_mean": [0.5, 0.25, 0.125], "image_std": [0.5, 0.25, 0.5]})"));
  std::vector<uint8_t> flat(40 * 20 * 3);
  for (size_t i = 0; i < flat.size(); i += 3) flat[i] = 200, flat[i + 1] = 100, flat[i + 2] = 50;
  const Tensor px = clip_preprocess(cfg, flat, 40, 20);
  CHECK(px.shape() == Shape({1, 3, 8, 8}));
  // A flat image stays flat through the resampling; then (v / 255 - mean) / std per channel.
  CHECK_NEAR(px.f32()[0], (200.0 / 255.0 - 0.5) / 0.5, 1e-5);
  CHECK_NEAR(px.f32()[64 + 9], (100.0 / 255.0 - 0.25) / 0.25, 1e-5);
  CHECK_NEAR(px.f32()[128 + 63], (50.0 / 255.0 - 0.125) / 0.5, 1e-5);
  // No resize: the crop takes rows 1..8 and columns 16..23 of a 40 x 10... here a 24 x 10 image
  // whose red value is its column index, so the first cropped column is (24 - 8) / 2 = 8.
  ClipImageProcessorConfig crop_only = cfg;
  crop_only.do_resize = false;
  crop_only.do_normalize = false;
  crop_only.do_rescale = false;
  std::vector<uint8_t> ramp(24 * 10 * 3, 0);
  for (int64_t y = 0; y < 10; ++y)
    for (int64_t x = 0; x < 24; ++x) ramp[(y * 24 + x) * 3] = static_cast<uint8_t>(x + 10 * y);
  const Tensor c = clip_preprocess(crop_only, ramp, 24, 10);
  CHECK(c.f32()[0] == 8.0f + 10.0f * 1.0f && c.f32()[7] == 15.0f + 10.0f);
}

// A text-to-video checkpoint refuses a conditioning image, naming the reason.
void pipeline_refuses_image(const std::string& dir) {
  auto pipe = WanPipeline::load(dir, make_backend("cpu", 2));
  CHECK(!pipe->supports_image());
  WanGenerateRequest req;
  req.prompt_ids.assign(16, 0);
  req.prompt_ids[0] = 5;
  req.prompt_ids[1] = 1;
  req.prompt_mask.assign(16, 0);
  req.prompt_mask[0] = req.prompt_mask[1] = 1;
  req.height = 32;
  req.width = 48;
  req.num_frames = 1;
  req.steps = 1;
  req.guidance_scale = 1.0f;
  req.image.rgb.assign(48 * 32 * 3, 128);
  req.image.width = 48;
  req.image.height = 32;
  CHECK(throws(ErrorCode::InvalidArgument, "text-to-video", [&] { pipe->generate(req, GenerateHooks{}); }));
  req.image = RgbImage();
  CHECK(pipe->generate(req, GenerateHooks{}).frames.shape() == Shape({1, 1, 32, 48, 3}));
}

}  // namespace

int main() {
  const std::string dir = test::fixture_dir("wan-tiny");
  auto be = make_backend("cpu", 2);
  transformer(*be, dir);
  clip_vision(*be);
  image_processor();
  pipeline_refuses_image(dir);
  return test::finish("test_wan_i2v_models");
}
