// `gpuq_bench --wan`: one WAN denoising step with CFG (two transformer calls, batch 1 each) on a
// WanTransformer3DModel with the 1.3B checkpoint's config (dim 1536, 12 heads of 128, ffn 8960,
// 30 layers, text_dim 4096) and random weights, at a small latent, beside the sgemm rate of the
// same run. Shows the real shapes run end to end and where the time goes.
// Usage: gpuq_bench --wan [--frames F] [--height H] [--width W] [--layers N] [--weights fp32|bf16]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/gemm.h"
#include "models/wan_transformer.h"
#include "pipeline/sdxl.h"  // seeded_normal
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

}  // namespace

int run_wan_bench(int argc, char** argv) {
  int64_t frames = 1, height = 240, width = 416, layers = 30;
  DType storage = DType::F32;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--frames" && i + 1 < argc) frames = std::atoll(argv[++i]);
    else if (a == "--height" && i + 1 < argc) height = std::atoll(argv[++i]);
    else if (a == "--width" && i + 1 < argc) width = std::atoll(argv[++i]);
    else if (a == "--layers" && i + 1 < argc) layers = std::atoll(argv[++i]);
    else if (a == "--weights" && i + 1 < argc) storage = std::string(argv[++i]) == "bf16" ? DType::BF16 : DType::F32;
  }
  const int64_t dim = 1536, ffn = 8960, text = 4096, ctx_len = 512;
  CpuBackend be(default_thread_count());
  auto t0 = Clock::now();
  json::Value cfg = json::parse(std::string(R"({"patch_size": [1, 2, 2], "num_attention_heads": 12,
    "attention_head_dim": 128, "in_channels": 16, "out_channels": 16, "text_dim": 4096, "freq_dim": 256,
    "ffn_dim": 8960, "cross_attn_norm": true, "qk_norm": "rms_norm_across_heads", "eps": 1e-6,
    "rope_max_seq_len": 1024, "num_layers": )") + std::to_string(layers) + "}");
  WanTransformer model(Weights::from_tensors(wan_weights(layers, dim, ffn, text, 256), cfg, be, storage), be);
  const double load_s = since(t0);
  const int64_t lt = (frames - 1) / 4 + 1, lh = height / 8, lw = width / 8, tokens = lt * (lh / 2) * (lw / 2);
  Tensor x = seeded_normal({1, 16, lt, lh, lw}, 7);
  Tensor pos = seeded_normal({1, ctx_len, text}, 8), neg = seeded_normal({1, ctx_len, text}, 9);
  CrossAttentionCache pos_kv, neg_kv;
  double first = 0, best = 1e30;
  for (int step = 0; step < 2; ++step) {
    be.reset_profile();
    be.set_profiling(true);
    auto t = Clock::now();
    model.forward(x, {900.0f}, pos, nullptr, &pos_kv);
    model.forward(x, {900.0f}, neg, nullptr, &neg_kv);
    const double s = since(t);
    (step == 0 ? first : best) = s;
  }
  // The sgemm rate of the FFN's shape, measured after the steps (warm caches, same pool).
  const int64_t m = 1024;
  Tensor a = seeded_normal({m, dim}, 1), b = seeded_normal({ffn, dim}, 2), c = Tensor::empty({m, ffn});
  double sgemm_best = 0;
  for (int rep = 0; rep < 6; ++rep) {
    auto t = Clock::now();
    sgemm(false, true, m, ffn, dim, 1.0f, a.f32(), dim, b.f32(), dim, 0.0f, c.f32(), ffn, be.pool());
    sgemm_best = std::max(sgemm_best, 2.0 * m * ffn * dim / since(t) / 1e9);
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
  std::printf("  weights built in %.1f s; sgemm %.0f GFLOP/s on %s\n", load_s, sgemm_best, be.name().c_str());
  std::printf("  CFG step (2 forwards): first %.2f s (text K/V computed), next %.2f s = %.0f GFLOP/s (%.0f%% of sgemm)\n",
              first, best, gflop / best, 100.0 * gflop / best / sgemm_best);
  for (const auto& [name, st] : be.profile())
    std::printf("  %-12s %5lld calls %7.3f s%s\n", name.c_str(), static_cast<long long>(st.calls), st.seconds,
                st.flops > 0 ? (" " + std::to_string(static_cast<int>(st.flops / st.seconds / 1e9)) + " GFLOP/s").c_str()
                             : "");
  return 0;
}

}  // namespace gpuq
