// WAN's ops on the CUDA backend against the CPU backend, on random data at shapes that are not
// multiples of any tile, plus the start-up self-check run for real. Skips (77) without a device.
// Tolerances, by what the op computes:
//   memory-bound ops (norms, rope, modulate, layout): max error <= 1e-5 of the largest value
//     (fp32 throughout; the layout ops are copies and must match exactly);
//   3D convolution, rel. L2: fp32 weights (TF32) <= 2e-3, fp16 <= 2e-3, bf16 <= 1e-2, as the
//     2D convolution in test_cuda_ops; biased attention (fp16 operands) <= 3e-3.
#include <cmath>
#include <cstdio>
#include <string>
#include <tuple>

#include "../cuda_test_util.h"
#include "../test_util.h"
#include "backend/cpu/cpu_backend.h"
#include "backend/cuda/cuda_backend.h"
#include "pipeline/device_self_check.h"
#include "pipeline/sdxl.h"

using namespace gpuq;
using test::rel_l2;
using test::rel_max;

namespace {

CpuBackend* g_cpu;
cuda::CudaBackend* g_gpu;

void report(const std::string& what, double err, double tol) {
  std::printf("  %-52s %.3g (tol %.3g)%s\n", what.c_str(), err, tol, err <= tol ? "" : "  FAIL");
  if (!(err <= tol)) ++test::failures();
}

Tensor up(const Tensor& t) { return g_gpu->upload(t); }
Tensor down(const Tensor& t) { return g_gpu->download(t); }

void check_conv3d() {
  const struct {
    DType dt;
    double tol;
  } kinds[] = {{DType::F32, 2e-3}, {DType::F16, 2e-3}, {DType::BF16, 1e-2}};
  // WAN VAE forms: causal 3x3x3 (pad t = 0), 1x1x1 shortcut, time downsample, spatial downsample.
  const std::tuple<Shape, Shape, std::vector<int>, std::vector<int>> cases[] = {
      {{1, 24, 5, 19, 23}, {40, 24, 3, 3, 3}, {1, 1, 1}, {0, 1, 1}},
      {{2, 16, 3, 9, 11}, {20, 16, 1, 1, 1}, {1, 1, 1}, {0, 0, 0}},
      {{1, 12, 7, 10, 9}, {12, 12, 3, 1, 1}, {2, 1, 1}, {0, 0, 0}},
      {{1, 8, 2, 17, 15}, {8, 8, 1, 3, 3}, {1, 2, 2}, {0, 0, 0}}};
  for (auto [dt, tol] : kinds)
    for (const auto& [xs, ws, stride, pad] : cases) {
      Tensor x = seeded_normal(xs, 301), w = seeded_normal(ws, 302).to_dtype(dt).to_f32(), b = seeded_normal({ws[0]}, 303);
      Tensor want = g_cpu->conv3d(x, w, &b, stride, pad);
      Tensor gb = up(b), gw = g_gpu->upload_weight(w, dt);
      const std::string name = "conv3d x" + shape_str(xs) + " w" + shape_str(ws) + " " + dtype_name(dt);
      report(name, rel_l2(down(g_gpu->conv3d(up(x), gw, &gb, stride, pad)), want), tol);
      // Bands of a few pixels: the column buffer capped far below one item's.
      g_gpu->set_scratch_cap(4096 * 4);
      report(name + " banded", rel_l2(down(g_gpu->conv3d(up(x), gw, &gb, stride, pad)), want), tol);
      g_gpu->set_scratch_cap(int64_t{1} << 30);
    }
}

void check_pointwise() {
  const double tol = 1e-5;
  Tensor x = seeded_normal({2, 37, 130}, 311), g = seeded_normal({130}, 312);
  report("rms_norm", rel_max(down(g_gpu->rms_norm(up(x), nullptr, 1e-6f)), g_cpu->rms_norm(x, nullptr, 1e-6f)), tol);
  Tensor gg = up(g);
  report("rms_norm gamma", rel_max(down(g_gpu->rms_norm(up(x), &gg, 1e-6f)), g_cpu->rms_norm(x, &g, 1e-6f)), tol);
  Tensor v = seeded_normal({2, 19, 3, 7, 9}, 313), vg = seeded_normal({19}, 314), vb = seeded_normal({19}, 315);
  Tensor gvg = up(vg), gvb = up(vb);
  for (bool silu : {false, true}) {
    report(silu ? "rms_norm_channels + silu" : "rms_norm_channels",
           rel_max(down(g_gpu->rms_norm_channels(up(v), gvg, &gvb, silu)), g_cpu->rms_norm_channels(v, vg, &vb, silu)),
           tol);
    report("rms_norm_channels no bias",
           rel_max(down(g_gpu->rms_norm_channels(up(v), gvg, nullptr, silu)), g_cpu->rms_norm_channels(v, vg, nullptr, silu)),
           tol);
  }
  // RoPE angles as WAN's: positions times inverse frequencies (large angles test the float64 path).
  const int64_t len = 75, heads = 3, d = 24;
  Tensor cs = Tensor::empty({len, d / 2}), sn = Tensor::empty({len, d / 2});
  for (int64_t l = 0; l < len; ++l)
    for (int64_t i = 0; i < d / 2; ++i) {
      const double a = 40.0 * l * std::pow(10000.0, -2.0 * i / d);
      cs.f32()[l * d / 2 + i] = static_cast<float>(std::cos(a));
      sn.f32()[l * d / 2 + i] = static_cast<float>(std::sin(a));
    }
  Tensor r = seeded_normal({2, len, heads * d}, 316);
  report("rope", rel_max(down(g_gpu->rope(up(r), up(cs), up(sn), heads)), g_cpu->rope(r, cs, sn, heads)), tol);
  Tensor m = seeded_normal({2, 41, 96}, 317), sc = seeded_normal({2, 96}, 318), sh = seeded_normal({2, 96}, 319);
  report("modulate", rel_max(down(g_gpu->modulate(up(m), up(sc), up(sh))), g_cpu->modulate(m, sc, sh)), tol);
  Tensor y = seeded_normal({2, 41, 96}, 320);
  report("add_gated", rel_max(down(g_gpu->add_gated(up(m), up(y), up(sc))), g_cpu->add_gated(m, y, sc)), tol);
  report("mul", rel_max(down(g_gpu->mul(up(m), up(y))), g_cpu->mul(m, y)), 0);
}

void check_layout() {
  Tensor x = seeded_normal({2, 3, 5, 7, 11}, 330);
  for (const std::vector<int>& perm : {std::vector<int>{0, 2, 3, 4, 1}, {0, 2, 1, 3, 4}, {4, 3, 2, 1, 0}})
    report("permute " + std::to_string(perm[1]) + std::to_string(perm[2]) + std::to_string(perm[3]),
           rel_max(down(g_gpu->permute(up(x), perm)), g_cpu->permute(x, perm)), 0);
  for (int dim = 0; dim < 5; ++dim) {
    report("narrow dim " + std::to_string(dim), rel_max(down(g_gpu->narrow(up(x), dim, 1, 1)), g_cpu->narrow(x, dim, 1, 1)), 0);
    Shape bs = x.shape();
    bs[dim] = 4;
    Tensor b = seeded_normal(bs, 331 + dim);
    report("concat dim " + std::to_string(dim), rel_max(down(g_gpu->concat(up(x), up(b), dim)), g_cpu->concat(x, b, dim)), 0);
  }
}

void check_attention_biased() {
  // UMT5's shape (Lq = Lk, per-head bias broadcast over the batch) and a per-sample padding mask,
  // once in one score block and once split into head / row blocks by a small scratch cap.
  for (int64_t bias_batch : {int64_t{1}, int64_t{2}})
    for (int64_t cap : {int64_t{1} << 30, int64_t{4} * 77 * 3}) {
      Tensor q = seeded_normal({2, 77, 4 * 40}, 340), k = seeded_normal({2, 77, 4 * 40}, 341),
             v = seeded_normal({2, 77, 4 * 40}, 342), bias = seeded_normal({bias_batch, 4, 77, 77}, 343);
      if (bias_batch == 2)
        for (int64_t i = 0; i < 4 * 77; ++i)
          for (int64_t j = 70; j < 77; ++j) bias.f32()[(4 * 77 + i) * 77 + j] = -1e9f;  // second item's padding
      g_gpu->set_scratch_cap(cap);
      report("attention_biased bias batch " + std::to_string(bias_batch) + (cap < 4096 ? " blocked" : ""),
             rel_l2(down(g_gpu->attention_biased(up(q), up(k), up(v), 4, 1.0f, up(bias))),
                    g_cpu->attention_biased(q, k, v, 4, 1.0f, bias)),
             3e-3);
    }
  g_gpu->set_scratch_cap(int64_t{1} << 30);
}

}  // namespace

int main() {
  auto gpu = test::cuda_or_skip("test_cuda_wan_ops");
  CpuBackend cpu(2);
  g_cpu = &cpu;
  g_gpu = dynamic_cast<cuda::CudaBackend*>(gpu.get());
  CHECK(g_gpu != nullptr);
  if (!g_gpu) return test::finish("test_cuda_wan_ops");
  std::printf("backend: %s\n", gpu->name().c_str());
  check_pointwise();
  check_layout();
  check_attention_biased();
  check_conv3d();
  // The start-up self-check on this device must pass (and say what it compared).
  SelfCheckResult r = run_device_self_check(cpu, *gpu);
  std::printf("%s\n", r.summary().c_str());
  CHECK(r.passed);
  return test::finish("test_cuda_wan_ops");
}
