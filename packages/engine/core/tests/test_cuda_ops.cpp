// Every CUDA backend op against the CPU backend on fresh random data, with shapes that are not
// multiples of the kernels' tiles (so bounds checks and partial tiles run). Skips (77) without a
// CUDA build or device. Tolerances, by what the op computes:
//   memory-bound ops (layout, elementwise, norms): max error <= 1e-5 of the largest value
//     (fp32 throughout; only exp/erf implementations differ);
//   matrix products, rel. L2 error: fp32 weights (TF32 math, 10-bit mantissa) <= 2e-3,
//     fp16 weights <= 2e-3, bf16 weights (7-bit mantissa) <= 1e-2; attention (fp16 operands,
//     fp32 scores and softmax) <= 3e-3.
#include <cstdio>

#include "backend/cpu/cpu_backend.h"
#include "cuda_test_util.h"
#include "pipeline/sdxl.h"
#include "test_util.h"

using namespace gpuq;
using test::rel_l2;
using test::rel_max;

namespace {

Backend* g_cpu;
Backend* g_gpu;

void report(const char* what, double err, double tol) {
  std::printf("  %-44s %.3g (tol %.3g)%s\n", what, err, tol, err <= tol ? "" : "  FAIL");
  if (!(err <= tol)) ++test::failures();
}

Tensor up(const Tensor& t) { return g_gpu->upload(t); }
Tensor down(const Tensor& t) { return g_gpu->download(t); }
Tensor w_up(const Tensor& t, DType d) { return g_gpu->upload_weight(t, d); }

void check_matrix_ops() {
  const struct {
    DType dt;
    double tol;
  } kinds[] = {{DType::F32, 2e-3}, {DType::F16, 2e-3}, {DType::BF16, 1e-2}};
  for (auto [dt, tol] : kinds) {
    // The CPU reference uses the same rounded weights, so only the GPU's arithmetic is measured.
    Tensor x = seeded_normal({3, 67, 130}, 101), w = seeded_normal({77, 130}, 102).to_dtype(dt).to_f32(),
           b = seeded_normal({77}, 103);
    std::string n = std::string("linear ") + dtype_name(dt);
    Tensor gb = up(b);
    report(n.c_str(), rel_l2(down(g_gpu->linear(up(x), w_up(w, dt), &gb)), g_cpu->linear(x, w, &b)), tol);
    report((n + " no bias").c_str(), rel_l2(down(g_gpu->linear(up(x), w_up(w, dt), nullptr)), g_cpu->linear(x, w, nullptr)), tol);
    for (auto [k, s, p] : {std::tuple<int, int, int>{3, 1, 1}, {3, 2, 1}, {1, 1, 0}}) {
      Tensor ci = seeded_normal({2, 13, 19, 23}, 104), cw = seeded_normal({70, 13, k, k}, 105).to_dtype(dt).to_f32(),
             cb = seeded_normal({70}, 106);
      Tensor gcb = up(cb);
      std::string cn = "conv2d k" + std::to_string(k) + " s" + std::to_string(s) + " " + dtype_name(dt);
      report(cn.c_str(), rel_l2(down(g_gpu->conv2d(up(ci), w_up(cw, dt), &gcb, s, p)), g_cpu->conv2d(ci, cw, &cb, s, p)),
             tol);
    }
  }
  for (auto [lq, lk, heads, causal] : {std::tuple<int, int, int, bool>{13, 13, 4, true}, {77, 77, 2, false},
                                       {150, 77, 5, false}, {300, 300, 1, true}}) {
    Tensor q = seeded_normal({2, lq, 40 * heads}, 107), k = seeded_normal({2, lk, 40 * heads}, 108),
           v = seeded_normal({2, lk, 40 * heads}, 109);
    std::string an = "attention lq" + std::to_string(lq) + " lk" + std::to_string(lk) + (causal ? " causal" : "");
    report(an.c_str(), rel_l2(down(g_gpu->attention(up(q), up(k), up(v), heads, 0.158f, causal)),
                              g_cpu->attention(q, k, v, heads, 0.158f, causal)),
           3e-3);
  }
}

void check_pointwise_ops() {
  const double tol = 1e-5;
  Tensor x = seeded_normal({2, 64, 9, 11}, 201), gam = seeded_normal({64}, 202), bet = seeded_normal({64}, 203);
  Tensor gx = up(x), ggam = up(gam), gbet = up(bet);
  for (bool silu : {false, true})
    report(silu ? "group_norm + silu" : "group_norm",
           rel_max(down(g_gpu->group_norm(gx, 32, ggam, gbet, 1e-5f, silu)), g_cpu->group_norm(x, 32, gam, bet, 1e-5f, silu)),
           tol);
  // Groups larger than one 4096-value chunk (merged partial statistics), and a ragged last chunk.
  for (auto [shape, groups] : {std::pair<Shape, int>{{2, 64, 64, 64}, 32}, {{1, 32, 70, 70}, 8}}) {
    Tensor big = seeded_normal(shape, 214), bg = seeded_normal({shape[1]}, 215), bb = seeded_normal({shape[1]}, 216);
    // An offset mean, as real activations have, tests the merge's cancellation.
    Tensor shifted = g_cpu->axpby(1.0f, big, 1.0f, Tensor::full(shape, 3.0f));
    report("group_norm chunked", rel_max(down(g_gpu->group_norm(up(shifted), groups, up(bg), up(bb), 1e-5f, true)),
                                         g_cpu->group_norm(shifted, groups, bg, bb, 1e-5f, true)),
           tol);
  }
  Tensor s = seeded_normal({3, 77, 64}, 204);
  report("layer_norm", rel_max(down(g_gpu->layer_norm(up(s), ggam, &gbet, 1e-5f)), g_cpu->layer_norm(s, gam, &bet, 1e-5f)),
         tol);
  report("layer_norm no beta",
         rel_max(down(g_gpu->layer_norm(up(s), ggam, nullptr, 1e-5f)), g_cpu->layer_norm(s, gam, nullptr, 1e-5f)), tol);
  for (Activation a : {Activation::SiLU, Activation::GeluErf, Activation::GeluTanh, Activation::QuickGelu})
    report("activation", rel_max(down(g_gpu->activation(gx, a)), g_cpu->activation(x, a)), tol);
  Tensor gg = seeded_normal({5, 7, 22}, 205);
  report("geglu", rel_max(down(g_gpu->geglu(up(gg))), g_cpu->geglu(gg)), tol);
  Tensor y = seeded_normal(x.shape(), 206);
  report("add", rel_max(down(g_gpu->add(gx, up(y))), g_cpu->add(x, y)), tol);
  report("axpby", rel_max(down(g_gpu->axpby(0.3f, gx, -1.7f, up(y))), g_cpu->axpby(0.3f, x, -1.7f, y)), tol);
  Tensor cb = seeded_normal({2, 64}, 207);
  report("add_channel_bias", rel_max(down(g_gpu->add_channel_bias(gx, up(cb))), g_cpu->add_channel_bias(x, cb)), tol);
  report("upsample_nearest2x", rel_max(down(g_gpu->upsample_nearest2x(gx)), g_cpu->upsample_nearest2x(x)), 0);
  Tensor x2 = seeded_normal({2, 5, 9, 11}, 208);
  report("concat_dim1 nchw", rel_max(down(g_gpu->concat_dim1(gx, up(x2))), g_cpu->concat_dim1(x, x2)), 0);
  Tensor f1 = seeded_normal({2, 3}, 209), f2 = seeded_normal({2, 6}, 210);
  report("concat_dim1 features", rel_max(down(g_gpu->concat_dim1(up(f1), up(f2))), g_cpu->concat_dim1(f1, f2)), 0);
  report("nchw_to_nlc", rel_max(down(g_gpu->nchw_to_nlc(gx)), g_cpu->nchw_to_nlc(x)), 0);
  Tensor nlc = seeded_normal({2, 99, 64}, 211);
  report("nlc_to_nchw", rel_max(down(g_gpu->nlc_to_nchw(up(nlc), 9, 11)), g_cpu->nlc_to_nchw(nlc, 9, 11)), 0);
  std::vector<int64_t> ids = {0, 48, 3, 3, 99};
  for (DType dt : {DType::F32, DType::F16, DType::BF16}) {
    Tensor table = seeded_normal({100, 33}, 212).to_dtype(dt).to_f32();
    report((std::string("embedding ") + dtype_name(dt)).c_str(),
           rel_max(down(g_gpu->embedding(w_up(table, dt), ids)), g_cpu->embedding(table, ids)), 0);
  }
  // Bad input keeps its error code on the device too.
  bool threw = false;
  try {
    g_gpu->embedding(w_up(seeded_normal({4, 2}, 213), DType::F32), {4});
  } catch (const Error& e) {
    threw = e.code() == ErrorCode::InvalidArgument;
  }
  CHECK(threw);
  threw = false;
  try {
    g_gpu->add(x, y);  // CPU tensors handed to the CUDA backend
  } catch (const Error& e) {
    threw = e.code() == ErrorCode::InvalidArgument;
  }
  CHECK(threw);
}

}  // namespace

int main() {
  auto gpu = test::cuda_or_skip("test_cuda_ops");
  CpuBackend cpu(2);
  g_cpu = &cpu;
  g_gpu = gpu.get();
  std::printf("backend: %s\n", gpu->name().c_str());
  check_pointwise_ops();
  check_matrix_ops();
  return test::finish("test_cuda_ops");
}
