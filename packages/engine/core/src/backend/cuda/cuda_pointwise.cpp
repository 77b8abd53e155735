// The CUDA backend's memory-bound ops: shape checks on the host, then one kernel each
// (elementwise.cuh, norm.cuh, layout.cuh). Shape rules match the CPU backend's.
#include "backend/cuda/cuda_backend.h"
#include "backend/cuda/cuda_check.h"
#include "backend/cuda/elementwise.cuh"
#include "backend/cuda/layout.cuh"
#include "backend/cuda/norm.cuh"
#include "util/error.h"

namespace gpuq::cuda {

namespace {
float* out_f32(const Tensor& t) { return static_cast<float*>(t.device_ptr()); }
}  // namespace

Tensor CudaBackend::activation(const Tensor& x, Activation act) {
  Scope scope_(*this, "activation", 0);
  Tensor y = alloc(x.shape());
  launch_activation(in_f32(x, "activation"), out_f32(y), x.numel(), static_cast<int>(act), stream_);
  return y;
}

Tensor CudaBackend::geglu(const Tensor& x) {
  Scope scope_(*this, "activation", 0);
  check(x.dim(-1) % 2 == 0, ErrorCode::InvalidArgument, "geglu: odd last dim in " + shape_str(x.shape()));
  Shape s = x.shape();
  s.back() /= 2;
  Tensor y = alloc(s);
  launch_geglu(in_f32(x, "geglu"), out_f32(y), x.numel() / x.dim(-1), s.back(), stream_);
  return y;
}

Tensor CudaBackend::add(const Tensor& a, const Tensor& b) { return axpby(1.0f, a, 1.0f, b); }

Tensor CudaBackend::axpby(float alpha, const Tensor& a, float beta, const Tensor& b) {
  Scope scope_(*this, "elementwise", 0);
  check(a.shape() == b.shape(), ErrorCode::InvalidArgument,
        "add: shapes " + shape_str(a.shape()) + " and " + shape_str(b.shape()));
  Tensor y = alloc(a.shape());
  launch_axpby(alpha, in_f32(a, "add"), beta, in_f32(b, "add"), out_f32(y), a.numel(), stream_);
  return y;
}

Tensor CudaBackend::add_channel_bias(const Tensor& x, const Tensor& v) {
  Scope scope_(*this, "elementwise", 0);
  const int64_t bc = x.dim(0) * x.dim(1);
  check(v.numel() == bc, ErrorCode::InvalidArgument,
        "add_channel_bias: " + shape_str(x.shape()) + " + " + shape_str(v.shape()));
  Tensor y = alloc(x.shape());
  launch_add_channel_bias(in_f32(x, "add_channel_bias"), in_f32(v, "add_channel_bias"), out_f32(y), bc,
                          x.numel() / bc, stream_);
  return y;
}

Tensor CudaBackend::upsample_nearest2x(const Tensor& x) {
  Scope scope_(*this, "layout", 0);
  Tensor y = alloc({x.dim(0), x.dim(1), 2 * x.dim(2), 2 * x.dim(3)});
  launch_upsample_nearest2x(in_f32(x, "upsample"), out_f32(y), x.dim(0) * x.dim(1), x.dim(2), x.dim(3), stream_);
  return y;
}

Tensor CudaBackend::concat_dim1(const Tensor& a, const Tensor& b) {
  Scope scope_(*this, "layout", 0);
  check(a.dim(0) == b.dim(0) && a.ndim() == b.ndim(), ErrorCode::InvalidArgument,
        "concat: " + shape_str(a.shape()) + " with " + shape_str(b.shape()));
  const int64_t batch = a.dim(0);
  Shape s = a.shape();
  s[1] += b.dim(1);
  Tensor y = alloc(s);
  launch_concat(in_f32(a, "concat"), in_f32(b, "concat"), out_f32(y), batch, a.numel() / batch, b.numel() / batch,
                stream_);
  return y;
}

Tensor CudaBackend::embedding(const Tensor& table, const std::vector<int64_t>& ids) {
  Scope scope_(*this, "layout", 0);
  check(table.device() == Device::CUDA && table.ndim() == 2, ErrorCode::InvalidArgument,
        "embedding: the table must be a 2-d CUDA tensor, got " + shape_str(table.shape()));
  const int64_t vocab = table.dim(0), c = table.dim(1), n = static_cast<int64_t>(ids.size());
  for (int64_t id : ids)
    check(id >= 0 && id < vocab, ErrorCode::InvalidArgument,
          "token id " + std::to_string(id) + " outside vocabulary of " + std::to_string(vocab));
  Tensor y = alloc({n, c});
  if (n == 0) return y;
  Tensor dids = alloc({n}, DType::I64);
  CUDA_CHECK(cudaMemcpyAsync(dids.device_ptr(), ids.data(), static_cast<size_t>(n) * 8, cudaMemcpyHostToDevice,
                             stream_));
  int dt = table.dtype() == DType::F16 ? 1 : table.dtype() == DType::BF16 ? 2 : 0;
  launch_embedding(table.device_ptr(), dt, static_cast<const int64_t*>(dids.device_ptr()), out_f32(y), n, c,
                   stream_);
  // `ids` is pageable host memory the copy read synchronously; nothing else to wait for.
  return y;
}

Tensor CudaBackend::nchw_to_nlc(const Tensor& x) {
  Scope scope_(*this, "layout", 0);
  const int64_t batch = x.dim(0), c = x.dim(1), hw = x.dim(2) * x.dim(3);
  Tensor y = alloc({batch, hw, c});
  launch_transpose(in_f32(x, "nchw_to_nlc"), out_f32(y), batch, c, hw, nullptr, stream_);
  return y;
}

Tensor CudaBackend::nlc_to_nchw(const Tensor& x, int64_t h, int64_t w) {
  Scope scope_(*this, "layout", 0);
  const int64_t batch = x.dim(0), hw = x.dim(1), c = x.dim(2);
  check(hw == h * w, ErrorCode::InvalidArgument, "nlc_to_nchw: " + shape_str(x.shape()));
  Tensor y = alloc({batch, c, h, w});
  launch_transpose(in_f32(x, "nlc_to_nchw"), out_f32(y), batch, hw, c, nullptr, stream_);
  return y;
}

Tensor CudaBackend::group_norm(const Tensor& x, int groups, const Tensor& gamma, const Tensor& beta, float eps,
                               bool silu) {
  Scope scope_(*this, "group_norm", 0);
  check(x.ndim() >= 2 && groups > 0 && x.dim(1) % groups == 0, ErrorCode::InvalidArgument,
        "group_norm: " + std::to_string(groups) + " groups for input " + shape_str(x.shape()));
  const int64_t batch = x.dim(0), channels = x.dim(1);
  Tensor y = alloc(x.shape());
  launch_group_norm(in_f32(x, "group_norm"), out_f32(y), batch, channels, x.numel() / (batch * channels), groups,
                    in_f32(gamma, "group_norm"), in_f32(beta, "group_norm"), eps, silu, stream_);
  return y;
}

Tensor CudaBackend::layer_norm(const Tensor& x, const Tensor& gamma, const Tensor* beta, float eps) {
  Scope scope_(*this, "layer_norm", 0);
  const int64_t c = x.dim(-1);
  check(gamma.numel() == c, ErrorCode::InvalidArgument, "layer_norm: gamma size vs " + shape_str(x.shape()));
  Tensor y = alloc(x.shape());
  launch_layer_norm(in_f32(x, "layer_norm"), out_f32(y), x.numel() / c, c, in_f32(gamma, "layer_norm"),
                    beta ? in_f32(*beta, "layer_norm") : nullptr, eps, stream_);
  return y;
}

}  // namespace gpuq::cuda
