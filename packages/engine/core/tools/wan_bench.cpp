// `gpuq_bench --wan`: one WAN denoising step with CFG (two transformer calls, batch 1 each) on a
// WanTransformer3DModel with the 1.3B checkpoint's config (dim 1536, 12 heads of 128, ffn 8960,
// 30 layers, text_dim 4096) and random weights, at a small latent, beside the sgemm rate of the
// same run. Shows the real shapes run end to end and where the time goes. With --vae, the latent is
// then decoded by AutoencoderKLWan at WAN 2.1's config (random weights, fp32 as the model's VAE).
// --device picks the backend (GPUQ_DEVICE's values; gpuq_cuda_bench --wan runs it on CUDA and
// reports the pool's peak device memory); --json writes the timings.
// Usage: gpuq_bench --wan [--frames F] [--height H] [--width W] [--layers N] [--weights fp32|bf16]
//        [--device cpu|cuda] [--vae] [--json PATH]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>

#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/gemm.h"
#include "models/wan_param_specs.h"
#include "models/wan_transformer.h"
#include "models/wan_vae.h"
#include "pipeline/sdxl.h"  // seeded_normal
#include "pipeline/tiny_checkpoint.h"  // random_weights
#include "wan_bench.h"
#include "util/thread_pool.h"

namespace gpuq {

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Random weights named and shaped as the checkpoint's (std 0.02, norms 1).
std::map<std::string, Tensor> wan_weights(int64_t layers, int64_t dim, int64_t ffn, int64_t text, int64_t freq) {
  std::map<std::string, Tensor> w;
  uint64_t seed = 1;
  auto add = [&](const std::string& name, const Shape& s) {
    Tensor t = seeded_normal(s, seed++);
    for (int64_t i = 0; i < t.numel(); ++i) t.f32()[i] *= 0.02f;
    w[name] = t;
  };
  auto linear = [&](const std::string& p, int64_t out, int64_t in) {
    add(p + ".weight", {out, in});
    add(p + ".bias", {out});
  };
  add("patch_embedding.weight", {dim, 16, 1, 2, 2});
  add("patch_embedding.bias", {dim});
  linear("condition_embedder.time_embedder.linear_1", dim, freq);
  linear("condition_embedder.time_embedder.linear_2", dim, dim);
  linear("condition_embedder.time_proj", 6 * dim, dim);
  linear("condition_embedder.text_embedder.linear_1", dim, text);
  linear("condition_embedder.text_embedder.linear_2", dim, dim);
  for (int64_t i = 0; i < layers; ++i) {
    const std::string p = "blocks." + std::to_string(i) + ".";
    for (const char* a : {"attn1.", "attn2."}) {
      for (const char* l : {"to_q", "to_k", "to_v", "to_out.0"}) linear(p + a + l, dim, dim);
      w[p + a + "norm_q.weight"] = Tensor::full({dim}, 1.0f);
      w[p + a + "norm_k.weight"] = Tensor::full({dim}, 1.0f);
    }
    w[p + "norm2.weight"] = Tensor::full({dim}, 1.0f);
    w[p + "norm2.bias"] = Tensor::zeros({dim});
    linear(p + "ffn.net.0.proj", ffn, dim);
    linear(p + "ffn.net.2", dim, ffn);
    add(p + "scale_shift_table", {1, 6, dim});
  }
  add("scale_shift_table", {1, 2, dim});
  linear("proj_out", 64, dim);
  return w;
}

// AutoencoderKLWan's config in Wan-AI/Wan2.1-T2V-1.3B-Diffusers (vae/config.json; the latent
// statistics are also those of test/golden/wan-tiny/vae/config.json).
const char* kWan21VaeConfig = R"({"_class_name": "AutoencoderKLWan", "attn_scales": [], "base_dim": 96,
  "dim_mult": [1, 2, 4, 4], "dropout": 0.0, "num_res_blocks": 2, "temperal_downsample": [false, true, true],
  "z_dim": 16,
  "latents_mean": [-0.7571, -0.7089, -0.9113, 0.1075, -0.1745, 0.9653, -0.1517, 1.5508, 0.4134, -0.0715, 0.5517,
                   -0.3632, -0.1922, -0.9497, 0.2503, -0.2921],
  "latents_std": [2.8184, 1.4541, 2.3275, 2.6558, 1.2196, 1.7708, 2.6052, 2.0743, 3.2687, 2.1526, 2.8652, 1.5579,
                  1.6382, 1.1253, 2.8251, 1.916]})";

// Seconds of one decode of z [1, 16, T, H, W] (the first decode: nothing cached to warm).
double time_vae_decode(Backend& be, const Tensor& z) {
  json::Value cfg = json::parse(kWan21VaeConfig);
  WanVaeDecoder vae(Weights::from_tensors(random_weights(wan_vae_param_specs(WanVaeConfig::from_json(cfg)), 5), cfg, be),
                    be);
  auto t = Clock::now();
  Tensor video = be.download(vae.decode(be.upload(z)));
  const double s = since(t);
  std::printf("  VAE decode %s -> %s: %.2f s\n", shape_str(z.shape()).c_str(), shape_str(video.shape()).c_str(), s);
  return s;
}

}  // namespace

int run_wan_bench(int argc, char** argv, const PeakBytes& peak_bytes) {
  int64_t frames = 1, height = 240, width = 416, layers = 30;
  DType storage = DType::F32;
  std::string device = "cpu", json_path;
  bool vae = false;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--frames" && i + 1 < argc) frames = std::atoll(argv[++i]);
    else if (a == "--height" && i + 1 < argc) height = std::atoll(argv[++i]);
    else if (a == "--width" && i + 1 < argc) width = std::atoll(argv[++i]);
    else if (a == "--layers" && i + 1 < argc) layers = std::atoll(argv[++i]);
    else if (a == "--weights" && i + 1 < argc) storage = std::string(argv[++i]) == "bf16" ? DType::BF16 : DType::F32;
    else if (a == "--device" && i + 1 < argc) device = argv[++i];
    else if (a == "--json" && i + 1 < argc) json_path = argv[++i];
    else if (a == "--vae") vae = true;
  }
  const int64_t dim = 1536, ffn = 8960, text = 4096, ctx_len = 512;
  std::shared_ptr<Backend> backend = make_backend(device, default_thread_count());
  Backend& be = *backend;
  auto t0 = Clock::now();
  json::Value cfg = json::parse(std::string(R"({"patch_size": [1, 2, 2], "num_attention_heads": 12,
    "attention_head_dim": 128, "in_channels": 16, "out_channels": 16, "text_dim": 4096, "freq_dim": 256,
    "ffn_dim": 8960, "cross_attn_norm": true, "qk_norm": "rms_norm_across_heads", "eps": 1e-6,
    "rope_max_seq_len": 1024, "num_layers": )") + std::to_string(layers) + "}");
  WanTransformer model(Weights::from_tensors(wan_weights(layers, dim, ffn, text, 256), cfg, be, storage), be);
  const double load_s = since(t0);
  const int64_t lt = (frames - 1) / 4 + 1, lh = height / 8, lw = width / 8, tokens = lt * (lh / 2) * (lw / 2);
  const Tensor latent = seeded_normal({1, 16, lt, lh, lw}, 7);
  Tensor x = be.upload(latent);
  Tensor pos = be.upload(seeded_normal({1, ctx_len, text}, 8)), neg = be.upload(seeded_normal({1, ctx_len, text}, 9));
  CrossAttentionCache pos_kv, neg_kv;
  double first = 0, best = 1e30;
  for (int step = 0; step < 2; ++step) {
    be.reset_profile();
    be.set_profiling(true);
    auto t = Clock::now();
    Tensor a = model.forward(x, {900.0f}, pos, nullptr, &pos_kv);
    Tensor b = model.forward(x, {900.0f}, neg, nullptr, &neg_kv);
    be.download(a), be.download(b);  // waits for a device's queue
    const double s = since(t);
    (step == 0 ? first : best) = s;
  }
  // The sgemm rate of the FFN's shape on the CPU, measured after the steps (warm caches, same pool).
  const int64_t m = 1024;
  double sgemm_best = 0;
  if (auto* cpu = dynamic_cast<CpuBackend*>(&be)) {
    Tensor a = seeded_normal({m, dim}, 1), b = seeded_normal({ffn, dim}, 2), c = Tensor::empty({m, ffn});
    for (int rep = 0; rep < 6; ++rep) {
      auto t = Clock::now();
      sgemm(false, true, m, ffn, dim, 1.0f, a.f32(), dim, b.f32(), dim, 0.0f, c.f32(), ffn, cpu->pool());
      sgemm_best = std::max(sgemm_best, 2.0 * m * ffn * dim / since(t) / 1e9);
    }
  }
  // Per token and layer: q, k, v, o (4 dim²) and the FFN (2 dim·ffn) multiply-adds, plus
  // attention (2 tokens·dim per token) and the cross-attention queries / output (2 dim²).
  const double gflop = 2.0 * 2.0 * static_cast<double>(layers) *
                       (static_cast<double>(tokens) * (6.0 * dim * dim + 2.0 * dim * ffn) +
                        2.0 * static_cast<double>(tokens) * tokens * dim + 2.0 * tokens * ctx_len * dim) /
                       1e9;
  std::printf("WAN 1.3B-shaped transformer (%lld layers, %s weights), latent [1, 16, %lld, %lld, %lld] = %lld tokens\n",
              static_cast<long long>(layers), dtype_name(storage), static_cast<long long>(lt),
              static_cast<long long>(lh), static_cast<long long>(lw), static_cast<long long>(tokens));
  std::printf("  weights built in %.1f s; sgemm %.0f GFLOP/s (CPU only) on %s\n", load_s, sgemm_best,
              be.name().c_str());
  std::printf("  CFG step (2 forwards): first %.2f s (text K/V computed), next %.2f s = %.0f GFLOP/s",
              first, best, gflop / best);
  if (sgemm_best > 0) std::printf(" (%.0f%% of sgemm)", 100.0 * gflop / best / sgemm_best);
  std::printf("\n");
  for (const auto& [name, st] : be.profile())
    std::printf("  %-12s %5lld calls %7.3f s%s\n", name.c_str(), static_cast<long long>(st.calls), st.seconds,
                st.flops > 0 ? (" " + std::to_string(static_cast<int>(st.flops / st.seconds / 1e9)) + " GFLOP/s").c_str()
                             : "");
  be.set_profiling(false);
  const double vae_s = vae ? time_vae_decode(be, latent) : 0;
  const int64_t peak = peak_bytes ? peak_bytes(be) : 0;
  if (peak > 0) std::printf("  peak device memory in use: %.2f GiB\n", static_cast<double>(peak) / (1 << 30));
  if (!json_path.empty()) {
    std::ofstream out(json_path);
    out << "{\"bench\": \"wan-step\", \"backend\": \"" << be.name() << "\", \"weights\": \"" << dtype_name(storage)
        << "\", \"layers\": " << layers << ", \"frames\": " << frames << ", \"height\": " << height
        << ", \"width\": " << width << ", \"tokens\": " << tokens << ", \"cfg_step_first_s\": " << first
        << ", \"cfg_step_s\": " << best << ", \"gflops\": " << gflop / best << ", \"vae_decode_s\": " << vae_s
        << ", \"peak_device_bytes\": " << peak << "}\n";
    std::printf("  wrote %s\n", json_path.c_str());
  }
  return 0;
}

}  // namespace gpuq
