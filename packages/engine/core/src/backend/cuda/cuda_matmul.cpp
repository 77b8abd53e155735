// The CUDA backend's matrix ops on the tensor-core GEMM (gemm.cuh): linear layers, convolutions as
// im2col + GEMM in bands of output pixels (so the column buffer stays under the scratch cap: a
// 1024x1024 VAE convolution would need 4.8 GB at once), and attention as two batched products
// around a row softmax, the score matrix computed in blocks of heads or query rows under the cap.
// The fused flash-style kernel (flash_attention.cuh) replaces the latter when switched on; the
// biased form (UMT5's relative positions) always takes the two products.
#include <algorithm>

#include "backend/cuda/attention_bias_plan.h"
#include "backend/cuda/cuda_backend.h"
#include "backend/cuda/flash_attention.cuh"
#include "backend/cuda/layout.cuh"
#include "backend/cuda/softmax.cuh"
#include "util/error.h"

namespace gpuq::cuda {

void CudaBackend::gemm(const GemmArgs& args, GemmB b_type, GemmMath math) {
  if (run_gemm(args, b_type, math, gemm_impl_, *pool_, stream_) == GemmImpl::Cublas) ++calls_cublas_;
  else ++calls_own_;
}

void CudaBackend::gemm_weights(const GemmArgs& args, const Tensor& w) {
  check(w.device() == Device::CUDA, ErrorCode::InvalidArgument,
        "weight " + shape_str(w.shape()) + " is not on the CUDA device (upload_weight it first)");
  switch (w.dtype()) {
    case DType::F32: return gemm(args, GemmB::F32, GemmMath::TF32);
    case DType::F16: return gemm(args, GemmB::F16, GemmMath::F16);
    case DType::BF16: return gemm(args, GemmB::BF16, GemmMath::BF16);
    default:
      throw Error(ErrorCode::Internal, std::string("matrix weights stored as ") + dtype_name(w.dtype()));
  }
}

void CudaBackend::gemm_columns(const Tensor& col, int64_t rows, const Tensor& w, float* out) {
  const int64_t k = col.dim(1);
  GemmArgs g;
  g.m = rows;
  g.n = w.dim(0);
  g.k = k;
  g.a = static_cast<const float*>(col.device_ptr());
  g.lda = k;
  g.b = w.device_ptr();
  g.ldb = k;
  g.c = out;
  g.ldc = g.n;
  gemm_weights(g, w);
}

Tensor CudaBackend::linear(const Tensor& x, const Tensor& w, const Tensor* b) {
  Scope scope_(*this, "linear", 2.0 * static_cast<double>(x.numel()) * static_cast<double>(w.dim(0)));
  const int64_t k = x.dim(-1);
  check(w.ndim() == 2 && w.dim(1) == k, ErrorCode::InvalidArgument,
        "linear: input " + shape_str(x.shape()) + " vs weight " + shape_str(w.shape()));
  Shape out_shape = x.shape();
  out_shape.back() = w.dim(0);
  Tensor y = alloc(out_shape);
  GemmArgs g;
  g.m = x.numel() / k;
  g.n = w.dim(0);
  g.k = k;
  g.a = in_f32(x, "linear");
  g.lda = k;
  g.b = w.device_ptr();
  g.ldb = k;
  g.c = static_cast<float*>(y.device_ptr());
  g.ldc = g.n;
  g.bias = b ? in_f32(*b, "linear bias") : nullptr;
  gemm_weights(g, w);
  return y;
}

Tensor CudaBackend::conv2d(const Tensor& x, const Tensor& w, const Tensor* b, int stride, int pad) {
  check(x.ndim() == 4 && w.ndim() == 4 && x.dim(1) == w.dim(1) && w.dim(2) == w.dim(3), ErrorCode::InvalidArgument,
        "conv2d: input " + shape_str(x.shape()) + " vs weight " + shape_str(w.shape()));
  const int64_t batch = x.dim(0), cin = x.dim(1), h = x.dim(2), wd = x.dim(3);
  const int64_t cout = w.dim(0), kk = w.dim(2);
  const int64_t oh = (h + 2 * pad - kk) / stride + 1, ow = (wd + 2 * pad - kk) / stride + 1;
  const int64_t pixels = oh * ow, ckk = cin * kk * kk;
  Scope scope_(*this, "conv2d", 2.0 * static_cast<double>(batch * cout * pixels) * static_cast<double>(ckk));
  const float* xin = in_f32(x, "conv2d");
  // Products land as [pixels, Cout] per image; one transpose (bias folded in) makes them NCHW.
  Tensor ct = alloc({batch, pixels, cout});
  const int64_t band = std::clamp<int64_t>(scratch_cap_ / (ckk * 4), 1, std::min(pixels, kGemmMaxRows));
  Tensor col = alloc({band, ckk});
  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t p0 = 0; p0 < pixels; p0 += band) {
      const int64_t np = std::min(band, pixels - p0);
      launch_im2col(xin + n * cin * h * wd, static_cast<float*>(col.device_ptr()), cin, h, wd, static_cast<int>(kk),
                    stride, pad, ow, p0, np, stream_);
      gemm_columns(col, np, w, static_cast<float*>(ct.device_ptr()) + (n * pixels + p0) * cout);
    }
  }
  Tensor y = alloc({batch, cout, oh, ow});
  launch_transpose(static_cast<const float*>(ct.device_ptr()), static_cast<float*>(y.device_ptr()), batch, pixels,
                   cout, b ? in_f32(*b, "conv2d bias") : nullptr, stream_);
  return y;
}

Tensor CudaBackend::attention(const Tensor& q, const Tensor& k, const Tensor& v, int heads, float scale,
                              bool causal) {
  check(q.ndim() == 3 && k.ndim() == 3 && v.ndim() == 3 && q.dim(0) == k.dim(0) && k.dim(0) == v.dim(0) &&
            k.dim(1) == v.dim(1) && q.dim(2) == k.dim(2) && k.dim(2) == v.dim(2) && heads > 0 &&
            q.dim(2) % heads == 0,
        ErrorCode::InvalidArgument,
        "attention: q " + shape_str(q.shape()) + ", k " + shape_str(k.shape()) + ", v " + shape_str(v.shape()) +
            ", " + std::to_string(heads) + " heads");
  const int64_t batch = q.dim(0), lq = q.dim(1), lk = k.dim(1), hd = q.dim(2), d = hd / heads;
  Scope scope_(*this, "attention", 4.0 * static_cast<double>(batch * lq * lk) * static_cast<double>(hd));
  if (flash_ && flash_attention_supports(d)) {
    const float *qp = in_f32(q, "attention"), *kp = in_f32(k, "attention"), *vp = in_f32(v, "attention");
    Tensor o = alloc(q.shape());
    launch_flash_attention(qp, kp, vp, static_cast<float*>(o.device_ptr()), batch, lq, lk, heads, d, scale, causal,
                           stream_);
    return o;
  }
  return attention_unfused(q, k, v, heads, scale, causal, nullptr);
}

Tensor CudaBackend::attention_biased(const Tensor& q, const Tensor& k, const Tensor& v, int heads, float scale,
                                     const Tensor& bias) {
  check_attention_biased_shapes(q, k, v, heads, bias);
  Scope scope_(*this, "attention", 4.0 * static_cast<double>(q.numel()) * static_cast<double>(k.dim(1)));
  return attention_unfused(q, k, v, heads, scale, false, &bias);
}

Tensor CudaBackend::attention_unfused(const Tensor& q, const Tensor& k, const Tensor& v, int heads, float scale,
                                      bool causal, const Tensor* bias) {
  const int64_t batch = q.dim(0), lq = q.dim(1), lk = k.dim(1), hd = q.dim(2), d = hd / heads;
  const float *qp = in_f32(q, "attention"), *kp = in_f32(k, "attention"), *vp = in_f32(v, "attention");
  const float* bp = bias ? in_f32(*bias, "attention bias") : nullptr;
  Tensor o = alloc(q.shape());
  float* op = static_cast<float*>(o.device_ptr());
  // Scores for `hc` heads at once, or for `rc` query rows of one head when one head is too big.
  const int64_t per_head = lq * lk * 4;
  const int64_t hc = std::clamp<int64_t>(scratch_cap_ / std::max<int64_t>(per_head, 1), 1, heads);
  const int64_t rc = hc > 1 ? lq : std::clamp<int64_t>(scratch_cap_ / std::max<int64_t>(lk * 4, 1), 1, lq);
  Tensor scores = alloc({hc, rc, lk});
  float* sp = static_cast<float*>(scores.device_ptr());
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t h0 = 0; h0 < heads; h0 += hc)
      for (int64_t r0 = 0; r0 < lq; r0 += rc) {
        const int64_t nh = std::min(hc, heads - h0), nr = std::min(rc, lq - r0);
        GemmArgs s;  // scores[h] = scale * q_h · k_hᵀ
        s.m = nr;
        s.n = lk;
        s.k = d;
        s.a = qp + (n * lq + r0) * hd + h0 * d;
        s.lda = hd;
        s.a_s1 = d;
        s.b = kp + n * lk * hd + h0 * d;
        s.ldb = hd;
        s.b_s1 = d;
        s.c = sp;
        s.ldc = lk;
        s.c_s1 = nr * lk;
        s.alpha = scale;
        s.batch = static_cast<int>(nh);
        s.heads = static_cast<int>(nh);
        gemm(s, GemmB::F32, attention_math_);
        if (bp)
          launch_softmax_rows_biased(sp, nh * nr, nr,
                                     bp + bias_block_offset(bias->dim(0), n, heads, lq, lk, h0, r0), lq, lk, stream_);
        else
          launch_softmax_rows(sp, nh * nr, nr, r0, lk, causal, stream_);
        GemmArgs p;  // o_h = scores[h] · v_h
        p.m = nr;
        p.n = d;
        p.k = lk;
        p.a = sp;
        p.lda = lk;
        p.a_s1 = nr * lk;
        p.b = vp + n * lk * hd + h0 * d;
        p.ldb = hd;
        p.b_s1 = d;
        p.b_kn = true;
        p.c = op + (n * lq + r0) * hd + h0 * d;
        p.ldc = hd;
        p.c_s1 = d;
        p.batch = static_cast<int>(nh);
        p.heads = static_cast<int>(nh);
        gemm(p, GemmB::F32, attention_math_);
      }
  return o;
}

}  // namespace gpuq::cuda
