// Host implementations of the ops WAN added to the Backend interface: download the inputs, run a
// plain loop, upload the result. On the CPU backend download/upload are free, so these are its
// implementations too (the tensors are small next to the matrix products). A device backend can
// rely on them until it has kernels, and tests use them as the direct reference.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "backend/backend.h"
#include "util/error.h"

namespace gpuq {

namespace {
inline float silu(float v) { return v / (1.0f + std::exp(-v)); }
}  // namespace

Tensor Backend::rms_norm(const Tensor& x_in, const Tensor* gamma_in, float eps) {
  Tensor x = download(x_in);
  const int64_t c = x.dim(-1), rows = x.numel() / c;
  Tensor g = gamma_in ? download(*gamma_in) : Tensor();
  check(!gamma_in || g.numel() == c, ErrorCode::InvalidArgument, "rms_norm: gamma vs " + shape_str(x.shape()));
  Tensor y = Tensor::empty(x.shape());
  for (int64_t r = 0; r < rows; ++r) {
    const float* s = x.f32() + r * c;
    float* d = y.f32() + r * c;
    double sq = 0;
    for (int64_t j = 0; j < c; ++j) sq += static_cast<double>(s[j]) * s[j];
    const float inv = static_cast<float>(1.0 / std::sqrt(sq / static_cast<double>(c) + eps));
    for (int64_t j = 0; j < c; ++j) d[j] = (s[j] * inv) * (gamma_in ? g.f32()[j] : 1.0f);
  }
  return upload(y);
}

Tensor Backend::rms_norm_channels(const Tensor& x_in, const Tensor& gamma_in, const Tensor* bias_in, bool act) {
  Tensor x = download(x_in);
  const int64_t batch = x.dim(0), c = x.dim(1), inner = x.numel() / (batch * c);
  Tensor g = download(gamma_in);
  Tensor bs = bias_in ? download(*bias_in) : Tensor();
  check_rms_norm_channels_shapes(x, g, bias_in ? &bs : nullptr);
  Tensor y = Tensor::empty(x.shape());
  const double scale = std::sqrt(static_cast<double>(c));
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t p = 0; p < inner; ++p) {
      const float* s = x.f32() + n * c * inner + p;
      float* d = y.f32() + n * c * inner + p;
      double sq = 0;
      for (int64_t ch = 0; ch < c; ++ch) sq += static_cast<double>(s[ch * inner]) * s[ch * inner];
      // F.normalize divides by max(norm, 1e-12).
      const float f = static_cast<float>(scale / std::max(std::sqrt(sq), 1e-12));
      for (int64_t ch = 0; ch < c; ++ch) {
        float v = s[ch * inner] * f * g.f32()[ch] + (bias_in ? bs.f32()[ch] : 0.0f);
        d[ch * inner] = act ? silu(v) : v;
      }
    }
  return upload(y);
}

void check_attention_biased_shapes(const Tensor& q, const Tensor& k, const Tensor& v, int heads, const Tensor& bias) {
  const int64_t batch = q.dim(0), lq = q.dim(1), lk = k.dim(1), width = q.dim(2);
  check(k.dim(0) == batch && v.dim(1) == lk && k.dim(2) == width && v.dim(2) == width && width % heads == 0 &&
            bias.ndim() == 4 && (bias.dim(0) == 1 || bias.dim(0) == batch) && bias.dim(1) == heads &&
            bias.dim(2) == lq && bias.dim(3) == lk,
        ErrorCode::InvalidArgument,
        "attention_biased: q " + shape_str(q.shape()) + ", k " + shape_str(k.shape()) + ", bias " +
            shape_str(bias.shape()));
}

void check_rms_norm_channels_shapes(const Tensor& x, const Tensor& gamma, const Tensor* bias) {
  const int64_t c = x.ndim() >= 2 ? x.dim(1) : -1;
  check(gamma.numel() == c && (!bias || bias->numel() == c), ErrorCode::InvalidArgument,
        "rms_norm_channels: gamma / bias vs " + shape_str(x.shape()));
}

void check_rope_shapes(const Tensor& x, const Tensor& cos, const Tensor& sin, int heads) {
  const bool packed = x.ndim() == 3 && heads > 0;
  const int64_t len = packed ? x.dim(1) : 0, width = packed ? x.dim(2) : 0, d = packed ? width / heads : 0;
  const int64_t half = d / 2;
  check(packed && width % heads == 0 && d % 2 == 0 && cos.numel() == len * half && sin.numel() == len * half,
        ErrorCode::InvalidArgument, "rope: x " + shape_str(x.shape()) + ", cos " + shape_str(cos.shape()));
}

void check_per_sample_vector(const char* op, const Tensor& x, const Tensor& v) {
  check(v.numel() == x.dim(0) * x.dim(-1), ErrorCode::InvalidArgument,
        std::string(op) + ": " + shape_str(x.shape()) + " with " + shape_str(v.shape()));
}

Tensor Backend::attention_biased(const Tensor& q_in, const Tensor& k_in, const Tensor& v_in, int heads, float scale,
                                 const Tensor& bias_in) {
  Tensor q = download(q_in), k = download(k_in), v = download(v_in), bias = download(bias_in);
  const int64_t batch = q.dim(0), lq = q.dim(1), lk = k.dim(1), width = q.dim(2), d = width / heads;
  check_attention_biased_shapes(q, k, v, heads, bias);
  Tensor out = Tensor::zeros(q.shape());
  std::vector<float> row(static_cast<size_t>(lk));
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t h = 0; h < heads; ++h) {
      const float* bp = bias.f32() + ((bias.dim(0) == 1 ? 0 : b) * heads + h) * lq * lk;
      for (int64_t i = 0; i < lq; ++i) {
        const float* qi = q.f32() + (b * lq + i) * width + h * d;
        float mx = -std::numeric_limits<float>::infinity();
        for (int64_t j = 0; j < lk; ++j) {
          const float* kj = k.f32() + (b * lk + j) * width + h * d;
          float s = 0;
          for (int64_t e = 0; e < d; ++e) s += qi[e] * kj[e];
          row[j] = s * scale + bp[i * lk + j];
          mx = std::max(mx, row[j]);
        }
        double sum = 0;
        for (int64_t j = 0; j < lk; ++j) sum += (row[j] = std::exp(row[j] - mx));
        float* o = out.f32() + (b * lq + i) * width + h * d;
        for (int64_t j = 0; j < lk; ++j) {
          const float p = static_cast<float>(row[j] / sum);
          const float* vj = v.f32() + (b * lk + j) * width + h * d;
          for (int64_t e = 0; e < d; ++e) o[e] += p * vj[e];
        }
      }
    }
  return upload(out);
}

Tensor Backend::rope(const Tensor& x_in, const Tensor& cos_in, const Tensor& sin_in, int heads) {
  Tensor x = download(x_in), cs = download(cos_in), sn = download(sin_in);
  check_rope_shapes(x, cs, sn, heads);
  const int64_t batch = x.dim(0), len = x.dim(1), width = x.dim(2), d = width / heads, half = d / 2;
  Tensor y = Tensor::empty(x.shape());
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t l = 0; l < len; ++l)
      for (int64_t h = 0; h < heads; ++h)
        for (int64_t i = 0; i < half; ++i) {
          const int64_t at = (b * len + l) * width + h * d + 2 * i;
          const double x1 = x.f32()[at], x2 = x.f32()[at + 1];
          const double c = cs.f32()[l * half + i], s = sn.f32()[l * half + i];
          y.f32()[at] = static_cast<float>(x1 * c - x2 * s);
          y.f32()[at + 1] = static_cast<float>(x1 * s + x2 * c);
        }
  return upload(y);
}

Tensor Backend::modulate(const Tensor& x_in, const Tensor& scale_in, const Tensor& shift_in) {
  Tensor x = download(x_in), sc = download(scale_in), sh = download(shift_in);
  const int64_t batch = x.dim(0), c = x.dim(-1), len = x.numel() / (batch * c);
  check_per_sample_vector("modulate", x, sc);
  check_per_sample_vector("modulate", x, sh);
  Tensor y = Tensor::empty(x.shape());
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t l = 0; l < len; ++l)
      for (int64_t j = 0; j < c; ++j) {
        const int64_t at = (b * len + l) * c + j;
        y.f32()[at] = x.f32()[at] * (1.0f + sc.f32()[b * c + j]) + sh.f32()[b * c + j];
      }
  return upload(y);
}

Tensor Backend::add_gated(const Tensor& x_in, const Tensor& y_in, const Tensor& gate_in) {
  Tensor x = download(x_in), yv = download(y_in), g = download(gate_in);
  const int64_t batch = x.dim(0), c = x.dim(-1), len = x.numel() / (batch * c);
  check(x.shape() == yv.shape() && g.numel() == batch * c, ErrorCode::InvalidArgument,
        "add_gated: " + shape_str(x.shape()) + ", " + shape_str(yv.shape()) + ", gate " + shape_str(g.shape()));
  Tensor out = Tensor::empty(x.shape());
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t l = 0; l < len; ++l)
      for (int64_t j = 0; j < c; ++j) {
        const int64_t at = (b * len + l) * c + j;
        out.f32()[at] = x.f32()[at] + yv.f32()[at] * g.f32()[b * c + j];
      }
  return upload(out);
}

Tensor Backend::mul(const Tensor& a_in, const Tensor& b_in) {
  Tensor a = download(a_in), b = download(b_in);
  check(a.shape() == b.shape(), ErrorCode::InvalidArgument, "mul: " + shape_str(a.shape()) + " vs " + shape_str(b.shape()));
  Tensor y = Tensor::empty(a.shape());
  for (int64_t i = 0; i < a.numel(); ++i) y.f32()[i] = a.f32()[i] * b.f32()[i];
  return upload(y);
}

Tensor Backend::conv3d(const Tensor& x_in, const Tensor& w_in, const Tensor* b_in, const std::vector<int>& stride,
                       const std::vector<int>& pad) {
  Tensor x = download(x_in), w = download(w_in), bias = b_in ? download(*b_in) : Tensor();
  check(x.ndim() == 5 && w.ndim() == 5 && x.dim(1) == w.dim(1) && stride.size() == 3 && pad.size() == 3,
        ErrorCode::InvalidArgument, "conv3d: input " + shape_str(x.shape()) + " vs weight " + shape_str(w.shape()));
  const int64_t batch = x.dim(0), cin = x.dim(1), cout = w.dim(0);
  const int64_t in[3] = {x.dim(2), x.dim(3), x.dim(4)}, k[3] = {w.dim(2), w.dim(3), w.dim(4)};
  int64_t o[3];
  for (int a = 0; a < 3; ++a) o[a] = (in[a] + 2 * pad[a] - k[a]) / stride[a] + 1;
  Tensor y = Tensor::empty({batch, cout, o[0], o[1], o[2]});
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t co = 0; co < cout; ++co)
      for (int64_t t = 0; t < o[0]; ++t)
        for (int64_t i = 0; i < o[1]; ++i)
          for (int64_t j = 0; j < o[2]; ++j) {
            double acc = b_in ? bias.f32()[co] : 0.0;
            for (int64_t ci = 0; ci < cin; ++ci)
              for (int64_t a = 0; a < k[0]; ++a) {
                const int64_t it = t * stride[0] - pad[0] + a;
                if (it < 0 || it >= in[0]) continue;
                for (int64_t bb = 0; bb < k[1]; ++bb) {
                  const int64_t ii = i * stride[1] - pad[1] + bb;
                  if (ii < 0 || ii >= in[1]) continue;
                  for (int64_t cc = 0; cc < k[2]; ++cc) {
                    const int64_t jj = j * stride[2] - pad[2] + cc;
                    if (jj < 0 || jj >= in[2]) continue;
                    acc += static_cast<double>(w.f32()[(((co * cin + ci) * k[0] + a) * k[1] + bb) * k[2] + cc]) *
                           x.f32()[(((n * cin + ci) * in[0] + it) * in[1] + ii) * in[2] + jj];
                  }
                }
              }
            y.f32()[(((n * cout + co) * o[0] + t) * o[1] + i) * o[2] + j] = static_cast<float>(acc);
          }
  return upload(y);
}

Tensor Backend::permute(const Tensor& x_in, const std::vector<int>& perm) {
  Tensor x = download(x_in);
  const int nd = x.ndim();
  check(static_cast<int>(perm.size()) == nd, ErrorCode::InvalidArgument, "permute: rank mismatch");
  Shape out_shape(nd);
  std::vector<int64_t> in_stride(nd), out_stride(nd);
  int64_t s = 1;
  for (int i = nd - 1; i >= 0; --i) in_stride[i] = s, s *= x.dim(i);
  for (int i = 0; i < nd; ++i) out_shape[i] = x.dim(perm[i]);
  for (int i = nd - 1; i >= 0; --i) out_stride[i] = i == nd - 1 ? 1 : out_stride[i + 1] * out_shape[i + 1];
  Tensor y = Tensor::empty(out_shape);
  const int64_t total = y.numel();
  for (int64_t idx = 0; idx < total; ++idx) {
    int64_t src = 0, rem = idx;
    for (int i = 0; i < nd; ++i) {
      const int64_t coord = rem / out_stride[i];
      rem %= out_stride[i];
      src += coord * in_stride[perm[i]];
    }
    y.f32()[idx] = x.f32()[src];
  }
  return upload(y);
}

Tensor Backend::narrow(const Tensor& x_in, int dim, int64_t start, int64_t count) {
  Tensor x = download(x_in);
  if (dim < 0) dim += x.ndim();
  check(dim >= 0 && dim < x.ndim() && start >= 0 && count >= 0 && start + count <= x.dim(dim),
        ErrorCode::InvalidArgument, "narrow: " + shape_str(x.shape()) + " dim " + std::to_string(dim));
  int64_t outer = 1, inner = 1;
  for (int i = 0; i < dim; ++i) outer *= x.dim(i);
  for (int i = dim + 1; i < x.ndim(); ++i) inner *= x.dim(i);
  Shape s = x.shape();
  s[dim] = count;
  Tensor y = Tensor::empty(s);
  for (int64_t o = 0; o < outer; ++o)
    std::memcpy(y.f32() + o * count * inner, x.f32() + (o * x.dim(dim) + start) * inner,
                static_cast<size_t>(count * inner) * 4);
  return upload(y);
}

Tensor Backend::concat(const Tensor& a_in, const Tensor& b_in, int dim) {
  Tensor a = download(a_in), b = download(b_in);
  if (dim < 0) dim += a.ndim();
  bool ok = a.ndim() == b.ndim() && dim >= 0 && dim < a.ndim();
  for (int i = 0; ok && i < a.ndim(); ++i) ok = i == dim || a.dim(i) == b.dim(i);
  check(ok, ErrorCode::InvalidArgument, "concat: " + shape_str(a.shape()) + " with " + shape_str(b.shape()));
  int64_t outer = 1, inner = 1;
  for (int i = 0; i < dim; ++i) outer *= a.dim(i);
  for (int i = dim + 1; i < a.ndim(); ++i) inner *= a.dim(i);
  Shape s = a.shape();
  s[dim] += b.dim(dim);
  Tensor y = Tensor::empty(s);
  const int64_t na = a.dim(dim) * inner, nb = b.dim(dim) * inner;
  for (int64_t o = 0; o < outer; ++o) {
    std::memcpy(y.f32() + o * (na + nb), a.f32() + o * na, static_cast<size_t>(na) * 4);
    std::memcpy(y.f32() + o * (na + nb) + na, b.f32() + o * nb, static_cast<size_t>(nb) * 4);
  }
  return upload(y);
}

}  // namespace gpuq
