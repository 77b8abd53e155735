// WAN's memory-bound ops on the CUDA backend: shape checks on the host (the same rules and
// messages as the CPU backend), then one kernel each (rms_norm.cuh, rope.cuh, modulate.cuh,
// layout.cuh). Attention with a bias is in cuda_matmul.cpp, the 3D convolution in cuda_conv3d.cpp.
#include "backend/cuda/cuda_backend.h"
#include "backend/cuda/layout.cuh"
#include "backend/cuda/modulate.cuh"
#include "backend/cuda/rms_norm.cuh"
#include "backend/cuda/rope.cuh"
#include "util/error.h"

namespace gpuq::cuda {

namespace {
float* out_f32(const Tensor& t) { return static_cast<float*>(t.device_ptr()); }
}  // namespace

Tensor CudaBackend::rms_norm(const Tensor& x, const Tensor* gamma, float eps) {
  Scope scope_(*this, "rms_norm", 0);
  const int64_t c = x.dim(-1);
  check(!gamma || gamma->numel() == c, ErrorCode::InvalidArgument, "rms_norm: gamma vs " + shape_str(x.shape()));
  Tensor y = alloc(x.shape());
  launch_rms_norm(in_f32(x, "rms_norm"), out_f32(y), x.numel() / c, c, gamma ? in_f32(*gamma, "rms_norm") : nullptr,
                  eps, stream_);
  return y;
}

Tensor CudaBackend::rms_norm_channels(const Tensor& x, const Tensor& gamma, const Tensor* bias, bool silu) {
  Scope scope_(*this, "rms_norm", 0);
  const int64_t batch = x.dim(0), c = x.dim(1), inner = x.numel() / (batch * c);
  check_rms_norm_channels_shapes(x, gamma, bias);
  Tensor y = alloc(x.shape());
  launch_rms_norm_channels(in_f32(x, "rms_norm_channels"), out_f32(y), batch, c, inner,
                           in_f32(gamma, "rms_norm_channels"), bias ? in_f32(*bias, "rms_norm_channels") : nullptr,
                           silu, stream_);
  return y;
}

Tensor CudaBackend::rope(const Tensor& x, const Tensor& cos, const Tensor& sin, int heads) {
  Scope scope_(*this, "elementwise", 0);
  check_rope_shapes(x, cos, sin, heads);
  const int64_t batch = x.dim(0), len = x.dim(1), d = x.dim(2) / heads;
  Tensor y = alloc(x.shape());
  launch_rope(in_f32(x, "rope"), in_f32(cos, "rope"), in_f32(sin, "rope"), out_f32(y), batch, len, heads, d, stream_);
  return y;
}

Tensor CudaBackend::modulate(const Tensor& x, const Tensor& scale, const Tensor& shift) {
  Scope scope_(*this, "elementwise", 0);
  const int64_t batch = x.dim(0), c = x.dim(-1), len = x.numel() / (batch * c);
  check_per_sample_vector("modulate", x, scale);
  check_per_sample_vector("modulate", x, shift);
  Tensor y = alloc(x.shape());
  launch_modulate(in_f32(x, "modulate"), in_f32(scale, "modulate"), in_f32(shift, "modulate"), out_f32(y), batch, len,
                  c, stream_);
  return y;
}

Tensor CudaBackend::add_gated(const Tensor& x, const Tensor& y, const Tensor& gate) {
  Scope scope_(*this, "elementwise", 0);
  const int64_t batch = x.dim(0), c = x.dim(-1), len = x.numel() / (batch * c);
  check(x.shape() == y.shape() && gate.numel() == batch * c, ErrorCode::InvalidArgument,
        "add_gated: " + shape_str(x.shape()) + ", " + shape_str(y.shape()) + ", gate " + shape_str(gate.shape()));
  Tensor o = alloc(x.shape());
  launch_add_gated(in_f32(x, "add_gated"), in_f32(y, "add_gated"), in_f32(gate, "add_gated"), out_f32(o), batch, len,
                   c, stream_);
  return o;
}

Tensor CudaBackend::mul(const Tensor& a, const Tensor& b) {
  Scope scope_(*this, "elementwise", 0);
  check(a.shape() == b.shape(), ErrorCode::InvalidArgument, "mul: " + shape_str(a.shape()) + " vs " + shape_str(b.shape()));
  Tensor y = alloc(a.shape());
  launch_mul(in_f32(a, "mul"), in_f32(b, "mul"), out_f32(y), a.numel(), stream_);
  return y;
}

Tensor CudaBackend::permute(const Tensor& x, const std::vector<int>& perm) {
  Scope scope_(*this, "layout", 0);
  const int nd = x.ndim();
  bool ok = static_cast<int>(perm.size()) == nd && nd >= 1 && nd <= kMaxPermuteDims;
  std::vector<bool> seen(static_cast<size_t>(std::max(nd, 0)), false);
  for (int i = 0; ok && i < nd; ++i) {
    ok = perm[i] >= 0 && perm[i] < nd && !seen[perm[i]];
    if (ok) seen[perm[i]] = true;
  }
  check(ok, ErrorCode::InvalidArgument, "permute: not a permutation of the dims of " + shape_str(x.shape()));
  const PermutePlan p = plan_permute(x.shape().data(), nd, perm.data());
  Tensor y = alloc(Shape(p.out_shape, p.out_shape + nd));
  launch_permute(in_f32(x, "permute"), out_f32(y), p, stream_);
  return y;
}

Tensor CudaBackend::narrow(const Tensor& x, int dim, int64_t start, int64_t count) {
  Scope scope_(*this, "layout", 0);
  if (dim < 0) dim += x.ndim();
  check(dim >= 0 && dim < x.ndim() && start >= 0 && count >= 0 && start + count <= x.dim(dim),
        ErrorCode::InvalidArgument, "narrow: " + shape_str(x.shape()) + " dim " + std::to_string(dim));
  Shape s = x.shape();
  s[dim] = count;
  Tensor y = alloc(s);
  launch_row_copy(in_f32(x, "narrow"), out_f32(y), plan_narrow(x.shape().data(), x.ndim(), dim, start, count),
                  stream_);
  return y;
}

Tensor CudaBackend::concat(const Tensor& a, const Tensor& b, int dim) {
  Scope scope_(*this, "layout", 0);
  if (dim < 0) dim += a.ndim();
  bool ok = a.ndim() == b.ndim() && dim >= 0 && dim < a.ndim();
  for (int i = 0; ok && i < a.ndim(); ++i) ok = i == dim || a.dim(i) == b.dim(i);
  check(ok, ErrorCode::InvalidArgument, "concat: " + shape_str(a.shape()) + " with " + shape_str(b.shape()));
  Shape s = a.shape();
  s[dim] += b.dim(dim);
  Tensor y = alloc(s);
  RowCopy ca, cb;
  plan_concat(a.shape().data(), b.shape().data(), a.ndim(), dim, ca, cb);
  launch_row_copy(in_f32(a, "concat"), out_f32(y), ca, stream_);
  launch_row_copy(in_f32(b, "concat"), out_f32(y), cb, stream_);
  return y;
}

}  // namespace gpuq::cuda
