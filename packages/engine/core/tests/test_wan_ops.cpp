// The ops WAN added to the backend, on random data: the CPU's fast paths against the host
// reference implementations (conv3d), and the host ops against relations that pin them down
// (attention_biased with a zero bias is attention; permute / narrow / concat round-trip; rope by
// angle addition; rms_norm by definition).
#include <cmath>
#include <random>

#include "backend/cpu/cpu_backend.h"
#include "test_util.h"

using namespace gpuq;

static Tensor randn(const Shape& s, std::mt19937& rng) {
  std::normal_distribution<float> d;
  Tensor t = Tensor::empty(s);
  for (int64_t i = 0; i < t.numel(); ++i) t.f32()[i] = d(rng);
  return t;
}

static double max_diff(const Tensor& a, const Tensor& b) {
  if (a.shape() != b.shape()) return INFINITY;
  double m = 0;
  for (int64_t i = 0; i < a.numel(); ++i) m = std::max(m, std::fabs(double(a.f32()[i]) - b.f32()[i]));
  return m;
}

int main() {
  std::mt19937 rng(7);
  CpuBackend cpu(2);
  Backend& be = cpu;

  // conv3d: the batched-conv2d path against the direct sum, with time padding, strides and bias,
  // whole and in frame groups.
  for (auto [stride, pad] : {std::pair<std::vector<int>, std::vector<int>>{{1, 1, 1}, {1, 1, 1}},
                             {{1, 2, 2}, {0, 0, 0}}, {{2, 1, 1}, {0, 1, 1}}}) {
    Tensor x = randn({2, 3, 5, 6, 7}, rng), w = randn({4, 3, 3, 2, 2}, rng), b = randn({4}, rng);
    if (stride[1] == 2) w = randn({4, 3, 1, 2, 2}, rng);
    Tensor ref = cpu.Backend::conv3d(x, w, &b, stride, pad);
    CHECK(max_diff(cpu.conv3d(x, w, &b, stride, pad), ref) < 1e-4);
    // A small cap: output frames in groups of one, conv2d in bands.
    cpu.set_im2col_cap(300);
    CHECK(max_diff(cpu.conv3d(x, w, &b, stride, pad), ref) < 1e-4);
    cpu.set_im2col_cap(int64_t{64} << 20);
  }

  // attention_biased with a zero bias equals attention; a -inf-like bias masks keys.
  {
    Tensor q = randn({2, 5, 8}, rng), k = randn({2, 6, 8}, rng), v = randn({2, 6, 8}, rng);
    Tensor zero = Tensor::zeros({1, 2, 5, 6});
    CHECK(max_diff(be.attention_biased(q, k, v, 2, 0.3f, zero), be.attention(q, k, v, 2, 0.3f, false)) < 1e-5);
    Tensor mask = Tensor::zeros({2, 2, 5, 6});
    for (int64_t i = 0; i < mask.numel(); ++i)
      if (i % 6 >= 4) mask.f32()[i] = std::numeric_limits<float>::lowest();
    Tensor masked = be.attention_biased(q, k, v, 2, 0.3f, mask);
    Tensor cut = be.attention(q, be.narrow(k, 1, 0, 4), be.narrow(v, 1, 0, 4), 2, 0.3f, false);
    CHECK(max_diff(masked, cut) < 1e-5);
  }

  // rms_norm by definition.
  {
    Tensor x = randn({3, 10}, rng), g = randn({10}, rng);
    Tensor y = be.rms_norm(x, &g, 1e-6f);
    double worst = 0;
    for (int r = 0; r < 3; ++r) {
      double ms = 0;
      for (int j = 0; j < 10; ++j) ms += double(x.f32()[r * 10 + j]) * x.f32()[r * 10 + j] / 10;
      for (int j = 0; j < 10; ++j)
        worst = std::max(worst, std::fabs(x.f32()[r * 10 + j] / std::sqrt(ms + 1e-6) * g.f32()[j] - y.f32()[r * 10 + j]));
    }
    CHECK(worst < 1e-5);
    // Channel-first version: the same as rms_norm over a channels-last copy.
    Tensor xc = randn({2, 4, 3, 5}, rng), gc = Tensor::full({4}, 0.5f);
    Tensor yc = be.rms_norm_channels(xc, gc, nullptr, false);
    Tensor last = be.rms_norm(be.permute(xc, {0, 2, 3, 1}), nullptr, 0.0f);
    Tensor back = be.permute(last, {0, 3, 1, 2});
    for (int64_t i = 0; i < back.numel(); ++i) back.f32()[i] *= 0.5f;  // x / rms = x sqrt(C) / norm
    CHECK(max_diff(yc, back) < 1e-5);
  }

  // rope: rotating by the angles a then b equals rotating by a + b.
  {
    Tensor x = randn({1, 3, 8}, rng);
    Tensor ca = Tensor::empty({3, 2}), sa = Tensor::empty({3, 2}), cb = Tensor::empty({3, 2}),
           sb = Tensor::empty({3, 2}), cab = Tensor::empty({3, 2}), sab = Tensor::empty({3, 2});
    for (int i = 0; i < 6; ++i) {
      double a = 0.3 * i + 0.1, b = 1.1 - 0.2 * i;
      ca.f32()[i] = float(std::cos(a)), sa.f32()[i] = float(std::sin(a));
      cb.f32()[i] = float(std::cos(b)), sb.f32()[i] = float(std::sin(b));
      cab.f32()[i] = float(std::cos(a + b)), sab.f32()[i] = float(std::sin(a + b));
    }
    Tensor twice = be.rope(be.rope(x, ca, sa, 2), cb, sb, 2);
    CHECK(max_diff(twice, be.rope(x, cab, sab, 2)) < 1e-5);
  }

  // modulate / add_gated / mul by definition; permute, narrow and concat round-trip.
  {
    Tensor x = randn({2, 3, 4}, rng), y = randn({2, 3, 4}, rng), s = randn({2, 4}, rng), t = randn({2, 4}, rng);
    Tensor m = be.modulate(x, s, t), g = be.add_gated(x, y, s), p = be.mul(x, y);
    double worst = 0;
    for (int b = 0; b < 2; ++b)
      for (int l = 0; l < 3; ++l)
        for (int c = 0; c < 4; ++c) {
          int i = (b * 3 + l) * 4 + c;
          worst = std::max(worst, double(std::fabs(m.f32()[i] - (x.f32()[i] * (1 + s.f32()[b * 4 + c]) + t.f32()[b * 4 + c]))));
          worst = std::max(worst, double(std::fabs(g.f32()[i] - (x.f32()[i] + y.f32()[i] * s.f32()[b * 4 + c]))));
          worst = std::max(worst, double(std::fabs(p.f32()[i] - x.f32()[i] * y.f32()[i])));
        }
    CHECK(worst < 1e-6);
    Tensor big = randn({2, 3, 4, 5}, rng);
    Tensor perm = be.permute(big, {2, 0, 3, 1});
    CHECK(perm.dim(0) == 4 && perm.dim(1) == 2 && perm.dim(2) == 5 && perm.dim(3) == 3);
    CHECK(perm.f32()[((1 * 2 + 1) * 5 + 3) * 3 + 2] == big.f32()[((1 * 3 + 2) * 4 + 1) * 5 + 3]);
    CHECK(max_diff(be.permute(perm, {1, 3, 0, 2}), big) == 0);
    Tensor joined = be.concat(be.narrow(big, 2, 0, 1), be.narrow(big, 2, 1, 3), 2);
    CHECK(max_diff(joined, big) == 0);
  }
  // The CPU's parallel versions against the host references, on shapes that split across threads.
  {
    Tensor x = randn({2, 37, 24}, rng), g = randn({24}, rng), s = randn({2, 24}, rng), t = randn({2, 24}, rng);
    CHECK(max_diff(cpu.rms_norm(x, &g, 1e-6f), cpu.Backend::rms_norm(x, &g, 1e-6f)) < 1e-6);
    CHECK(max_diff(cpu.modulate(x, s, t), cpu.Backend::modulate(x, s, t)) < 1e-5);  // FMA may differ
    Tensor y = randn({2, 37, 24}, rng);
    CHECK(max_diff(cpu.add_gated(x, y, s), cpu.Backend::add_gated(x, y, s)) < 1e-5);
    Tensor cs = randn({37, 6}, rng), sn = randn({37, 6}, rng);
    CHECK(max_diff(cpu.rope(x, cs, sn, 2), cpu.Backend::rope(x, cs, sn, 2)) < 1e-5);
    Tensor v = randn({2, 5, 300, 3}, rng), gc = randn({5}, rng), bc = randn({5}, rng);
    CHECK(max_diff(cpu.rms_norm_channels(v, gc, &bc, true), cpu.Backend::rms_norm_channels(v, gc, &bc, true)) < 1e-5);
    CHECK(max_diff(cpu.permute(v, {3, 0, 2, 1}), cpu.Backend::permute(v, {3, 0, 2, 1})) == 0);
    Tensor q = randn({2, 9, 16}, rng), k = randn({2, 11, 16}, rng), vv = randn({2, 11, 16}, rng);
    Tensor bias = randn({1, 4, 9, 11}, rng);
    CHECK(max_diff(cpu.attention_biased(q, k, vv, 4, 1.0f, bias), cpu.Backend::attention_biased(q, k, vv, 4, 1.0f, bias)) <
          1e-5);
  }
  return test::finish("test_wan_ops");
}
