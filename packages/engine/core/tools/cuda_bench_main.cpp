// gpuq_cuda_bench: the GPU benchmark (no Node on the GPU hosts). In one run:
//  1. the two ceilings: device-to-device copy bandwidth and our tensor-core GEMM rate;
//  2. CPU vs CUDA agreement on one full-size SDXL UNet step with random weights at a small latent
//     (the same fp16-rounded weights on both, so only arithmetic differs): rel. L2 <= 1e-2 and
//     the result has no NaN, or the exit code is 1;
//  3. the SDXL UNet step at --latent (128 = 1024x1024) with CFG batch 2 on CUDA, once with our
//     GEMM, once with cuBLAS (when it loads), once more with the fused attention: first step (computes cross-attention K/V), then
//     the best and median of --runs steps, as TFLOP/s against --peak, and one profiled step for
//     the time per op family.
// `gpuq_cuda_bench --probe` only says whether a CUDA device is usable (exit 0) or not (77);
// `--write-unet-config PATH` writes the SDXL UNet config the bench uses (for the PyTorch
// baseline, so both run the same shapes) and exits.
// Usage: gpuq_cuda_bench [--latent N] [--runs N] [--weights fp16|bf16|fp32] [--compare-latent N (0: skip)]
//                        [--peak TFLOPS] [--json PATH]
// `gpuq_cuda_bench --wan [gpuq_bench --wan's options]` times the WAN 1.3B step (and with --vae the
// VAE decode) on CUDA instead, with the peak device memory.
// Exit: 0 ok, 1 CPU/CUDA disagreement, 2 usage, 77 no CUDA device.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "backend/cpu/cpu_backend.h"
#include "backend/cuda/cuda_backend.h"
#include "backend/cuda/cublas_loader.h"
#include "backend/cuda/cuda_check.h"
#include "backend/cuda/gemm_dispatch.h"
#include "backend/cuda/gemm.cuh"
#include "models/param_specs.h"
#include "models/unet.h"
#include "models/unet_config.h"
#include "models/weights.h"
#include "pipeline/sdxl.h"
#include "pipeline/tiny_checkpoint.h"
#include "util/error.h"
#include "util/json.h"
#include "util/thread_pool.h"
#include "wan_bench.h"

using namespace gpuq;
using Clock = std::chrono::steady_clock;

namespace {

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

struct Options {
  int64_t latent = 128, compare_latent = 32;
  int runs = 5;
  DType storage = DType::F16;
  double peak_tflops = 790;  // H100 SXM dense bf16/fp16 (NVIDIA's datasheet); --peak overrides
  std::string json;
  bool probe = false;
  std::string write_config;
};

// Bytes read + written per second of a large device-to-device copy (the memory ceiling).
double copy_gbs(cuda::CudaBackend& be) {
  const int64_t n = int64_t{256} << 20;  // 1 GiB of floats
  Tensor a = be.alloc({n}), b = be.alloc({n});
  double best = 1e30;
  for (int i = 0; i < 5; ++i) {
    be.synchronize();
    auto t = Clock::now();
    CUDA_CHECK(cudaMemcpyAsync(b.device_ptr(), a.device_ptr(), static_cast<size_t>(n) * 4, cudaMemcpyDeviceToDevice,
                               be.stream()));
    be.synchronize();
    best = std::min(best, since(t));
  }
  return 2.0 * n * 4 / best / 1e9;
}

// A GEMM at a size that fills the chip: fp16 weights, fp32 activations in and out (cuBLAS pays
// for rounding the activations to fp16 first, as it does in the UNet).
double gemm_tflops(cuda::CudaBackend& be, int64_t m, int64_t n, int64_t k) {
  Tensor x = be.upload(seeded_normal({m, k}, 11));
  Tensor w = be.upload_weight(seeded_normal({n, k}, 12), DType::F16);
  be.linear(x, w, nullptr);  // warm-up
  std::vector<double> t;
  for (int i = 0; i < 10; ++i) {
    be.synchronize();
    auto t0 = Clock::now();
    be.linear(x, w, nullptr);
    be.synchronize();
    t.push_back(since(t0));
  }
  std::sort(t.begin(), t.end());
  return 2.0 * m * n * k / t[t.size() / 2] / 1e12;
}

struct UNetInputsHost {
  Tensor sample, ctx, text, time_ids;
};

UNetInputsHost make_inputs(const UNetConfig& u, const json::Value& cfg, int64_t latent) {
  UNetInputsHost h;
  h.sample = seeded_normal({2, u.in_channels, latent, latent}, 3);
  h.ctx = seeded_normal({2, 77, u.down.back().cross_attention_dim}, 4);
  h.text = seeded_normal({2, cfg.int_or("projection_class_embeddings_input_dim", 0) - 6 * u.addition_time_embed_dim}, 5);
  const float px = static_cast<float>(latent * 8);
  h.time_ids = Tensor::from_vector({2, 6}, {px, px, 0, 0, px, px, px, px, 0, 0, px, px});
  return h;
}

UNetInputs on(Backend& be, const UNetInputsHost& h, CrossAttentionCache* cache) {
  UNetInputs in;
  in.sample = be.upload(h.sample);
  in.timesteps = {637.0f};
  in.encoder_hidden_states = be.upload(h.ctx);
  in.text_embeds = be.upload(h.text);
  in.time_ids = be.upload(h.time_ids);
  in.kv_cache = cache;
  return in;
}

double rel_l2(const Tensor& a, const Tensor& b) {
  double num = 0, den = 0;
  for (int64_t i = 0; i < a.numel(); ++i) {
    double d = double(a.f32()[i]) - b.f32()[i];
    if (std::isnan(d)) return INFINITY;
    num += d * d;
    den += double(b.f32()[i]) * b.f32()[i];
  }
  return std::sqrt(num / std::max(den, 1e-300));
}

int parse(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    bool more = i + 1 < argc;
    if (a == "--probe") o.probe = true;
    else if (a == "--write-unet-config" && more) o.write_config = argv[++i];
    else if (a == "--latent" && more) o.latent = std::atoll(argv[++i]);
    else if (a == "--compare-latent" && more) o.compare_latent = std::atoll(argv[++i]);
    else if (a == "--runs" && more) o.runs = std::max(1, std::atoi(argv[++i]));
    else if (a == "--peak" && more) o.peak_tflops = std::atof(argv[++i]);
    else if (a == "--json" && more) o.json = argv[++i];
    else if (a == "--weights" && more) {
      std::string d = argv[++i];
      if (d != "fp16" && d != "bf16" && d != "fp32") return 2;
      o.storage = d == "fp16" ? DType::F16 : d == "bf16" ? DType::BF16 : DType::F32;
    } else {
      return 2;
    }
  }
  return (o.latent > 0 && o.latent % 8 == 0 && o.compare_latent % 8 == 0) ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv) {
  // The WAN step (wan_bench.cpp) on the CUDA backend, with the pool's peak device memory.
  if (argc > 1 && std::string(argv[1]) == "--wan") {
    std::vector<char*> args(argv, argv + argc);
    std::string device = "--device", cuda = "cuda";
    args.push_back(device.data());
    args.push_back(cuda.data());
    try {
      return gpuq::run_wan_bench(static_cast<int>(args.size()), args.data(), [](gpuq::Backend& be) -> int64_t {
        auto* c = dynamic_cast<gpuq::cuda::CudaBackend*>(&be);
        return c ? static_cast<int64_t>(c->pool().peak_bytes_in_use()) : 0;
      });
    } catch (const gpuq::Error& e) {
      std::fprintf(stderr, "gpuq_cuda_bench --wan: %s\n", e.what());
      return e.code() == gpuq::ErrorCode::Unsupported ? 77 : 1;
    }
  }
  Options o;
  if (parse(argc, argv, o) != 0) {
    std::fprintf(stderr,
                 "usage: %s [--latent N (multiple of 8)] [--runs N] [--weights fp16|bf16|fp32] "
                 "[--compare-latent N (0: skip)] [--peak TFLOPS] [--json PATH]\n",
                 argv[0]);
    return 2;
  }
  if (!o.write_config.empty()) {
    std::ofstream(o.write_config) << sdxl_base_unet_config_json();
    return 0;
  }
  std::shared_ptr<Backend> gpu;
  try {
    gpu = make_backend("cuda", 1);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::Unsupported) throw;
    std::fprintf(stderr, "SKIPPED gpuq_cuda_bench: %s\n", e.what());
    return 77;
  }
  auto& be = static_cast<cuda::CudaBackend&>(*gpu);
  std::printf("backend: %s\n", be.name().c_str());
  if (o.probe) return 0;
  std::ostringstream js;
  js << "{\"device\": \"" << be.name() << "\", \"weights\": \"" << dtype_name(o.storage)
     << "\", \"peak_tflops\": " << o.peak_tflops;

  const double gbs = copy_gbs(be);
  std::printf("device copy: %.0f GB/s (read + write)\n", gbs);
  js << ", \"copy_gbs\": " << gbs;
  std::string why;
  cuda::Cublas* blas = cuda::Cublas::get(&why);
  std::printf("cuBLAS: %s\n", blas ? blas->path().c_str() : ("not loaded (" + why + ")").c_str());
  std::vector<cuda::GemmImpl> impls = {cuda::GemmImpl::Own};
  if (blas) impls.push_back(cuda::GemmImpl::Cublas);
  for (cuda::GemmImpl impl : impls) {
    be.set_gemm_impl(impl);
    const double gemm = gemm_tflops(be, 8192, 8192, 8192);
    std::printf("GEMM 8192^3 fp16 weights (%s): %.1f TFLOP/s (%.0f%% of %.0f)\n", cuda::gemm_impl_name(impl), gemm,
                100 * gemm / o.peak_tflops, o.peak_tflops);
    js << ", \"gemm_8192_tflops_" << cuda::gemm_impl_name(impl) << "\": " << gemm;
  }
  be.set_gemm_impl(cuda::GemmImpl::Auto);

  json::Value cfg = json::parse(sdxl_base_unet_config_json());
  UNetConfig ucfg = UNetConfig::from_json(cfg);
  ParamSpecs specs = unet_param_specs(ucfg, cfg.int_or("projection_class_embeddings_input_dim", 0));
  auto t0 = Clock::now();
  std::map<std::string, Tensor> host = random_weights(specs, 1);
  std::printf("random full-size weights: %.1f s\n", since(t0));

  int status = 0;
  if (o.compare_latent > 0) {
    // Same rounded weights on both backends; the CPU widens them per call.
    CpuBackend cpu(default_thread_count());
    UNet cu(Weights::from_tensors(host, cfg, cpu, o.storage), cpu);
    UNet gu(Weights::from_tensors(host, cfg, be, o.storage), be);
    UNetInputsHost h = make_inputs(ucfg, cfg, o.compare_latent);
    auto tc = Clock::now();
    Tensor ref = cpu.download(cu.forward(on(cpu, h, nullptr)));
    double cpu_s = since(tc);
    Tensor got = be.download(gu.forward(on(be, h, nullptr)));
    double err = rel_l2(got, ref);
    const double tol = 1e-2;
    std::printf("CPU vs CUDA, full-size UNet step, latent %lld batch 2: rel L2 %.3g (tol %.0e) %s; CPU step %.1f s\n",
                static_cast<long long>(o.compare_latent), err, tol, err <= tol ? "ok" : "FAIL", cpu_s);
    js << ", \"compare\": {\"latent\": " << o.compare_latent << ", \"rel_l2\": " << (std::isfinite(err) ? err : -1)
       << ", \"tolerance\": " << tol << ", \"cpu_seconds\": " << cpu_s << "}";
    if (!(err <= tol)) status = 1;
  }

  UNet unet(Weights::from_tensors(std::move(host), cfg, be, o.storage), be);
  UNetInputsHost h = make_inputs(ucfg, cfg, o.latent);
  js << ", \"unet\": {\"latent\": " << o.latent << ", \"batch\": 2";
  // Configurations: each GEMM with the unfused attention, then the fastest GEMM with the fused one.
  std::vector<std::pair<cuda::GemmImpl, bool>> configs;
  for (cuda::GemmImpl impl : impls) configs.emplace_back(impl, false);
  configs.emplace_back(impls.back(), true);
  for (auto [impl, flash] : configs) {
    be.set_gemm_impl(impl);
    be.set_flash_attention(flash);
    CrossAttentionCache cache;
    UNetInputs in = on(be, h, &cache);
    auto tf = Clock::now();
    unet.forward(in);
    be.synchronize();
    const double first = since(tf);
    std::vector<double> times;
    for (int i = 0; i < o.runs; ++i) {
      auto t = Clock::now();
      unet.forward(in);
      be.synchronize();
      times.push_back(since(t));
    }
    std::sort(times.begin(), times.end());
    const int64_t cublas_before = be.gemm_calls_cublas(), own_before = be.gemm_calls_own();
    be.reset_profile();
    be.set_profiling(true);
    unet.forward(in);
    be.set_profiling(false);
    double flops = 0;
    for (const auto& [op, s] : be.profile()) flops += s.flops;
    const double best = times.front(), median = times[times.size() / 2];
    const std::string label = std::string(cuda::gemm_impl_name(impl)) + (flash ? "+flash" : "");
    const char* name = label.c_str();
    std::printf("SDXL UNet step [%s], latent %lld (%lldx%lld px), batch 2: first %.3f s, best %.4f s, median "
                "%.4f s (%.2f it/s), %.1f TFLOP -> %.1f TFLOP/s (%.1f%% of %.0f); products: %lld cuBLAS, %lld own\n",
                name, static_cast<long long>(o.latent), static_cast<long long>(o.latent * 8),
                static_cast<long long>(o.latent * 8), first, best, median, 1.0 / median, flops / 1e12,
                flops / median / 1e12, 100 * flops / median / 1e12 / o.peak_tflops, o.peak_tflops,
                static_cast<long long>(be.gemm_calls_cublas() - cublas_before),
                static_cast<long long>(be.gemm_calls_own() - own_before));
    std::printf("  per op family (profiled step, synchronised per op):\n");
    js << ", \"" << name << "\": {\"first_seconds\": " << first << ", \"best_seconds\": " << best
       << ", \"median_seconds\": " << median << ", \"tflop\": " << flops / 1e12 << ", \"ops\": {";
    bool comma = false;
    for (const auto& [op, s] : be.profile()) {
      std::printf("  %-12s %6lld calls %9.4f s %9.1f TFLOP/s\n", op.c_str(), static_cast<long long>(s.calls),
                  s.seconds, s.seconds > 0 ? s.flops / s.seconds / 1e12 : 0.0);
      js << (comma ? ", " : "") << "\"" << op << "\": {\"calls\": " << s.calls << ", \"seconds\": " << s.seconds
         << ", \"tflop\": " << s.flops / 1e12 << "}";
      comma = true;
    }
    js << "}}";
  }
  // Closes "unet", then the document.
  js << "}, \"pool_mib\": " << (be.pool().bytes_in_use() + be.pool().bytes_cached()) / (1 << 20) << "}\n";
  if (!o.json.empty()) {
    std::ofstream(o.json) << js.str();
    std::printf("wrote %s\n", o.json.c_str());
  }
  return status;
}
