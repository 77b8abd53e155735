// Every CPU op against a direct, obviously-correct reference on random data (the pattern the CUDA
// backend's op tests will follow), plus the accuracy of the vectorised exp / erf.
#include <cmath>

#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/fast_math.h"
#include "pipeline/sdxl.h"
#include "test_util.h"

using namespace gpuq;

static double max_diff(const Tensor& a, const Tensor& b) {
  if (a.shape() != b.shape()) return INFINITY;
  double m = 0;
  for (int64_t i = 0; i < a.numel(); ++i) m = std::max(m, std::fabs(double(a.f32()[i]) - b.f32()[i]));
  return m;
}

static Tensor naive_conv(const Tensor& x, const Tensor& w, const Tensor& b, int stride, int pad) {
  int64_t B = x.dim(0), C = x.dim(1), H = x.dim(2), W = x.dim(3), O = w.dim(0), K = w.dim(2);
  int64_t OH = (H + 2 * pad - K) / stride + 1, OW = (W + 2 * pad - K) / stride + 1;
  Tensor y = Tensor::zeros({B, O, OH, OW});
  for (int64_t n = 0; n < B; ++n)
    for (int64_t o = 0; o < O; ++o)
      for (int64_t i = 0; i < OH; ++i)
        for (int64_t j = 0; j < OW; ++j) {
          double acc = b.f32()[o];
          for (int64_t c = 0; c < C; ++c)
            for (int64_t ki = 0; ki < K; ++ki)
              for (int64_t kj = 0; kj < K; ++kj) {
                int64_t yi = i * stride - pad + ki, xj = j * stride - pad + kj;
                if (yi >= 0 && yi < H && xj >= 0 && xj < W)
                  acc += double(x.f32()[((n * C + c) * H + yi) * W + xj]) * w.f32()[((o * C + c) * K + ki) * K + kj];
              }
          y.f32()[((n * O + o) * OH + i) * OW + j] = static_cast<float>(acc);
        }
  return y;
}

static Tensor naive_attention(const Tensor& q, const Tensor& k, const Tensor& v, int heads, float scale, bool causal) {
  int64_t B = q.dim(0), Lq = q.dim(1), Lk = k.dim(1), Wd = q.dim(2), D = Wd / heads;
  Tensor o = Tensor::zeros(q.shape());
  for (int64_t b = 0; b < B; ++b)
    for (int64_t h = 0; h < heads; ++h)
      for (int64_t i = 0; i < Lq; ++i) {
        std::vector<double> s(static_cast<size_t>(Lk));
        double mx = -INFINITY, sum = 0;
        int64_t valid = causal ? std::min(Lk, i + 1) : Lk;
        for (int64_t j = 0; j < valid; ++j) {
          double acc = 0;
          for (int64_t d = 0; d < D; ++d)
            acc += double(q.f32()[(b * Lq + i) * Wd + h * D + d]) * k.f32()[(b * Lk + j) * Wd + h * D + d];
          s[j] = acc * scale;
          mx = std::max(mx, s[j]);
        }
        for (int64_t j = 0; j < valid; ++j) sum += (s[j] = std::exp(s[j] - mx));
        for (int64_t d = 0; d < D; ++d) {
          double acc = 0;
          for (int64_t j = 0; j < valid; ++j) acc += s[j] / sum * v.f32()[(b * Lk + j) * Wd + h * D + d];
          o.f32()[(b * Lq + i) * Wd + h * D + d] = static_cast<float>(acc);
        }
      }
  return o;
}

int main() {
  for (int threads : {1, 2}) {
    CpuBackend be(threads);
    // conv2d: 3x3 same, 3x3 stride 2, 1x1, batch 3 (grouped im2col path)
    for (auto [k, s, p] : {std::tuple<int, int, int>{3, 1, 1}, {3, 2, 1}, {1, 1, 0}}) {
      Tensor x = seeded_normal({3, 5, 9, 7}, 1), w = seeded_normal({6, 5, k, k}, 2), b = seeded_normal({6}, 3);
      CHECK(max_diff(be.conv2d(x, w, &b, s, p), naive_conv(x, w, b, s, p)) < 1e-4);
    }
    // banded path: a cap of 200 floats forces 2-row bands (and single rows when ow is wide)
    for (int64_t batch : {1, 2}) {
      Tensor x = seeded_normal({batch, 2, 9, 7}, 21), w = seeded_normal({3, 2, 3, 3}, 22), b = seeded_normal({3}, 23);
      be.set_im2col_cap(200);
      Tensor banded = be.conv2d(x, w, &b, 1, 1);
      be.set_im2col_cap(int64_t{64} << 20);
      CHECK(max_diff(banded, naive_conv(x, w, b, 1, 1)) < 1e-4);
    }
    // linear with and without bias, 3-d input
    Tensor x = seeded_normal({2, 7, 33}, 4), w = seeded_normal({19, 33}, 5), b = seeded_normal({19}, 6);
    Tensor y = be.linear(x, w, &b), y0 = be.linear(x, w, nullptr);
    double err = 0;
    for (int64_t r = 0; r < 14; ++r)
      for (int64_t n = 0; n < 19; ++n) {
        double acc = 0;
        for (int64_t c = 0; c < 33; ++c) acc += double(x.f32()[r * 33 + c]) * w.f32()[n * 33 + c];
        err = std::max(err, std::fabs(acc + b.f32()[n] - y.f32()[r * 19 + n]));
        err = std::max(err, std::fabs(acc - y0.f32()[r * 19 + n]));
      }
    CHECK(err < 1e-4);
    // attention: self (causal and not), cross with a different key length, one long head
    for (auto [lq, lk, heads, causal] : {std::tuple<int, int, int, bool>{13, 13, 4, true}, {13, 13, 4, false},
                                         {37, 9, 2, false}, {300, 300, 1, true}}) {
      Tensor q = seeded_normal({2, lq, 8 * heads}, 7), kk = seeded_normal({2, lk, 8 * heads}, 8),
             v = seeded_normal({2, lk, 8 * heads}, 9);
      CHECK(max_diff(be.attention(q, kk, v, heads, 0.35f, causal), naive_attention(q, kk, v, heads, 0.35f, causal)) < 1e-5);
    }
    // group norm (+SiLU) against a direct computation
    Tensor g = seeded_normal({2, 6, 4, 5}, 10), gam = seeded_normal({6}, 11), bet = seeded_normal({6}, 12);
    Tensor gn = be.group_norm(g, 3, gam, bet, 1e-5f, true);
    double gerr = 0;
    for (int n = 0; n < 2; ++n)
      for (int grp = 0; grp < 3; ++grp) {
        double mean = 0, var = 0;
        for (int i = 0; i < 40; ++i) mean += g.f32()[(n * 6 + grp * 2) * 20 + i];
        mean /= 40;
        for (int i = 0; i < 40; ++i) var += std::pow(g.f32()[(n * 6 + grp * 2) * 20 + i] - mean, 2);
        var /= 40;
        for (int i = 0; i < 40; ++i) {
          int c = grp * 2 + i / 20;
          double v = (g.f32()[(n * 6 + grp * 2) * 20 + i] - mean) / std::sqrt(var + 1e-5) * gam.f32()[c] + bet.f32()[c];
          gerr = std::max(gerr, std::fabs(v / (1 + std::exp(-v)) - gn.f32()[(n * 6 + grp * 2) * 20 + i]));
        }
      }
    CHECK(gerr < 1e-5);
    // layout ops are inverses; upsample repeats; geglu halves the last dim
    Tensor img = seeded_normal({2, 3, 4, 5}, 13);
    CHECK(max_diff(be.nlc_to_nchw(be.nchw_to_nlc(img), 4, 5), img) == 0);
    Tensor up = be.upsample_nearest2x(img);
    CHECK(up.dim(2) == 8 && up.f32()[(1 * 3 + 2) * 80 + 7 * 10 + 9] == img.f32()[(1 * 3 + 2) * 20 + 3 * 5 + 4]);
    Tensor gin = seeded_normal({3, 10}, 14);
    Tensor gg = be.geglu(gin);
    CHECK(gg.shape() == (Shape{3, 5}));
    double aerr = 0;
    for (int64_t r = 0; r < 3; ++r)
      for (int64_t j = 0; j < 5; ++j) {
        double a = gin.f32()[r * 10 + j], g = gin.f32()[r * 10 + 5 + j];
        aerr = std::max(aerr, std::fabs(a * 0.5 * g * (1 + std::erf(g / std::sqrt(2.0))) - gg.f32()[r * 5 + j]));
      }
    // Every activation against its definition (quick_gelu is CLIP ViT-L's, SDXL's first encoder).
    Tensor act_in = seeded_normal({257}, 15);
    auto act_ref = [](Activation a, double v) {
      switch (a) {
        case Activation::SiLU: return v / (1 + std::exp(-v));
        case Activation::GeluErf: return 0.5 * v * (1 + std::erf(v / std::sqrt(2.0)));
        case Activation::GeluTanh: return 0.5 * v * (1 + std::tanh(std::sqrt(2.0 / M_PI) * (v + 0.044715 * v * v * v)));
        case Activation::QuickGelu: return v / (1 + std::exp(-1.702 * v));
      }
      return 0.0;
    };
    for (Activation a : {Activation::SiLU, Activation::GeluErf, Activation::GeluTanh, Activation::QuickGelu}) {
      Tensor out = be.activation(act_in, a);
      for (int64_t i = 0; i < act_in.numel(); ++i)
        aerr = std::max(aerr, std::fabs(act_ref(a, act_in.f32()[i]) - out.f32()[i]));
    }
    CHECK(aerr < 2e-6);
  }
  // Vectorised exp / erf against libm.
  double eerr = 0, ferr = 0;
  for (float x = -80.0f; x <= 80.0f; x += 0.013f)
    eerr = std::max(eerr, std::fabs(fast::exp(x) / std::exp(double(x)) - 1.0));
  for (float x = -6.0f; x <= 6.0f; x += 0.001f) ferr = std::max(ferr, std::fabs(fast::erf(x) - std::erf(double(x))));
  std::printf("fast exp max rel err %.2e, fast erf max abs err %.2e\n", eerr, ferr);
  CHECK(eerr < 5e-7 && ferr < 6e-7);
  return test::finish("test_cpu_ops");
}
