// The CUDA kernels' index maths on the CPU (it is plain C++, shared with the kernels), against
// the CPU backend on small shapes: the 3D convolution's implicit-GEMM mapping (every output as the
// sum over the mapped taps times the weight as stored), its banding, the permute / narrow /
// concat copy plans, and where a score row of the blocked attention finds its bias. Runs in every
// build, with or without nvcc or a GPU.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "backend/cpu/cpu_backend.h"
#include "backend/cuda/attention_bias_plan.h"
#include "backend/cuda/conv3d_plan.h"
#include "backend/cuda/layout_plan.h"
#include "test_util.h"

using namespace gpuq;
using namespace gpuq::cuda;

namespace {

Tensor randn(const Shape& s, std::mt19937& rng) {
  std::normal_distribution<float> d;
  Tensor t = Tensor::empty(s);
  for (int64_t i = 0; i < t.numel(); ++i) t.f32()[i] = d(rng);
  return t;
}

double max_diff(const Tensor& a, const Tensor& b) {
  if (a.shape() != b.shape()) return INFINITY;
  double m = 0;
  for (int64_t i = 0; i < a.numel(); ++i) m = std::max(m, std::fabs(double(a.f32()[i]) - b.f32()[i]));
  return m;
}

// The convolution the CUDA backend computes, with the plan's mapping run on the host: per batch
// item, bands of pixels, column buffer, product with the [Cout, columns] weight, bias.
Tensor conv3d_by_plan(const Tensor& x, const Tensor& w, const Tensor& b, const std::vector<int>& stride,
                      const std::vector<int>& pad, int64_t scratch_bytes) {
  const Conv3dPlan p = plan_conv3d(x.shape().data(), w.shape().data(), stride.data(), pad.data());
  const int64_t batch = x.dim(0), cout = w.dim(0), cols = p.columns(), band = conv3d_band(p, scratch_bytes, 1 << 30);
  Tensor y = Tensor::empty({batch, cout, p.ot, p.oh, p.ow});
  std::vector<float> col(static_cast<size_t>(band * cols));
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t p0 = 0; p0 < p.pixels(); p0 += band) {
      const int64_t np = std::min(band, p.pixels() - p0);
      for (int64_t i = 0; i < np * cols; ++i) {
        const int64_t src = conv3d_source(p, p0 + i / cols, i % cols);
        col[i] = src < 0 ? 0.0f : x.f32()[n * (x.numel() / batch) + src];
      }
      for (int64_t r = 0; r < np; ++r)
        for (int64_t co = 0; co < cout; ++co) {
          double acc = b.f32()[co];
          for (int64_t k = 0; k < cols; ++k) acc += double(col[r * cols + k]) * w.f32()[co * cols + k];
          y.f32()[(n * cout + co) * p.pixels() + p0 + r] = static_cast<float>(acc);
        }
    }
  return y;
}

void check_conv3d(CpuBackend& cpu, std::mt19937& rng) {
  struct Case {
    Shape x, w;
    std::vector<int> stride, pad;
  };
  // WAN's forms: causal 3x3x3 (time padding prepended by the caller, pad t = 0), the 1x1x1
  // shortcut, the time downsample (stride 2 in t, kernel 3x1x1), the spatial downsample (1x3x3,
  // stride 2 in h, w), and a ragged shape with padding in every axis.
  const Case cases[] = {{{2, 3, 5, 6, 7}, {4, 3, 3, 3, 3}, {1, 1, 1}, {0, 1, 1}},
                        {{1, 5, 3, 4, 5}, {6, 5, 1, 1, 1}, {1, 1, 1}, {0, 0, 0}},
                        {{1, 4, 7, 3, 3}, {4, 4, 3, 1, 1}, {2, 1, 1}, {0, 0, 0}},
                        {{1, 3, 2, 9, 8}, {5, 3, 1, 3, 3}, {1, 2, 2}, {0, 0, 0}},
                        {{2, 2, 4, 5, 6}, {3, 2, 2, 3, 2}, {1, 2, 1}, {1, 1, 1}}};
  for (const Case& c : cases) {
    Tensor x = randn(c.x, rng), w = randn(c.w, rng), b = randn({c.w[0]}, rng);
    Tensor ref = cpu.conv3d(x, w, &b, c.stride, c.pad);
    // Whole, and in bands of a few pixels (a cap far below one item's column buffer).
    for (int64_t cap : {int64_t{1} << 30, int64_t{4} * 4 * shape_numel(c.w) / c.w[0] + 4}) {
      const double err = max_diff(conv3d_by_plan(x, w, b, c.stride, c.pad, cap), ref);
      std::printf("  conv3d x %s w %s cap %lld: max diff %.3g\n", shape_str(c.x).c_str(), shape_str(c.w).c_str(),
                  static_cast<long long>(cap), err);
      CHECK(err < 1e-4);
    }
  }
  // Bands stay under the cap, cover every pixel, and a cap below one pixel still makes progress.
  const int64_t xs[] = {1, 384, 21, 60, 104}, ws[] = {384, 384, 3, 3, 3};
  const int st[] = {1, 1, 1}, pd[] = {0, 1, 1};
  const Conv3dPlan big = plan_conv3d(xs, ws, st, pd);
  CHECK(big.ot == 19 && big.oh == 60 && big.ow == 104 && big.columns() == 384 * 27);
  const int64_t band = conv3d_band(big, int64_t{1} << 30, int64_t{1} << 30);
  CHECK(band * big.columns() * 4 <= (int64_t{1} << 30) && band >= 1);
  CHECK(conv3d_band(big, 16, int64_t{1} << 30) == 1);
  CHECK(conv3d_band(big, int64_t{1} << 50, int64_t{1} << 30) == big.pixels());
  // A 1x1x1 convolution of few channels over 81 frames at 480p: the cap alone would allow more
  // rows than one GEMM launch takes.
  const int64_t wide_x[] = {1, 16, 81, 480, 832}, point_w[] = {16, 16, 1, 1, 1};
  const int unit[] = {1, 1, 1}, zero[] = {0, 0, 0};
  const Conv3dPlan point = plan_conv3d(wide_x, point_w, unit, zero);
  CHECK(point.pixels() == 81 * 480 * 832 && conv3d_band(point, int64_t{1} << 30, 65535 * 64) == 65535 * 64);
  // No output (kernel longer than the padded input) is reported, not launched.
  const int64_t short_x[] = {1, 1, 2, 4, 4}, long_w[] = {1, 1, 3, 1, 1};
  CHECK(!plan_conv3d(short_x, long_w, st, pd).valid());
}

void check_layout(CpuBackend& cpu, std::mt19937& rng) {
  Tensor x = randn({2, 3, 4, 5, 6}, rng);
  std::vector<int> perm = {0, 1, 2, 3, 4};
  int tried = 0;
  do {  // every fifth permutation of five dims (24 of 120), identity included
    if (tried++ % 5) continue;
    const PermutePlan p = plan_permute(x.shape().data(), x.ndim(), perm.data());
    Tensor ref = cpu.permute(x, perm);
    Tensor got = Tensor::empty(Shape(p.out_shape, p.out_shape + p.dims));
    for (int64_t i = 0; i < p.numel; ++i) got.f32()[i] = x.f32()[permute_source(p, i)];
    CHECK(max_diff(got, ref) == 0);
  } while (std::next_permutation(perm.begin(), perm.end()));

  auto run = [](const Tensor& src, Tensor& dst, const RowCopy& c) {
    for (int64_t i = 0; i < c.rows * c.width; ++i) dst.f32()[row_copy_target(c, i)] = src.f32()[row_copy_source(c, i)];
  };
  for (int dim = 0; dim < x.ndim(); ++dim) {
    const int64_t start = x.dim(dim) > 2 ? 1 : 0, count = x.dim(dim) - start - (x.dim(dim) > 3 ? 1 : 0);
    Tensor ref = cpu.narrow(x, dim, start, count);
    Tensor got = Tensor::empty(ref.shape());
    run(x, got, plan_narrow(x.shape().data(), x.ndim(), dim, start, count));
    CHECK(max_diff(got, ref) == 0);

    Shape bs = x.shape();
    bs[dim] = 2;
    Tensor b = randn(bs, rng);
    Tensor cref = cpu.concat(x, b, dim);
    Tensor cgot = Tensor::full(cref.shape(), NAN);  // every element must be written
    RowCopy ca, cb;
    plan_concat(x.shape().data(), bs.data(), x.ndim(), dim, ca, cb);
    run(x, cgot, ca);
    run(b, cgot, cb);
    CHECK(max_diff(cgot, cref) == 0);
  }
}

// The blocked attention walks (batch, head block, query-row block); each score row must pick the
// bias row [b or 0, h, i, :], for per-sample and broadcast biases and for blocks that split heads
// or rows unevenly.
void check_bias_rows() {
  const int64_t batch = 2, heads = 5, lq = 7, lk = 3;
  for (int64_t bias_batch : {int64_t{1}, batch})
    for (auto [hc, rc] : {std::pair<int64_t, int64_t>{5, 7}, {2, 7}, {1, 3}, {1, 1}}) {
      bool ok = true;
      for (int64_t n = 0; n < batch; ++n)
        for (int64_t h0 = 0; h0 < heads; h0 += hc)
          for (int64_t r0 = 0; r0 < lq; r0 += rc) {
            const int64_t nh = std::min(hc, heads - h0), nr = std::min(rc, lq - r0);
            const int64_t base = bias_block_offset(bias_batch, n, heads, lq, lk, h0, r0);
            for (int64_t row = 0; row < nh * nr; ++row) {
              const int64_t h = h0 + row / nr, i = r0 + row % nr;
              const int64_t want = (((bias_batch == 1 ? 0 : n) * heads + h) * lq + i) * lk;
              ok = ok && base + bias_row_offset(row, nr, lq, lk) == want;
            }
          }
      CHECK(ok);
    }
}

}  // namespace

int main() {
  std::mt19937 rng(18);
  CpuBackend cpu(2);
  check_conv3d(cpu, rng);
  check_layout(cpu, rng);
  check_bias_rows();
  return test::finish("test_cuda_plans");
}
