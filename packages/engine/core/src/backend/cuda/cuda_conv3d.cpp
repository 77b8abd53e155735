// The CUDA 3D convolution: per batch item, bands of output pixels gathered into a column buffer
// (conv3d.cuh, index maths in conv3d_plan.h) and multiplied with the weight in its storage type
// on the tensor cores; the [pixels, Cout] products are transposed to NCTHW with the bias folded
// in, as conv2d does. WAN's causal padding is the caller's (cached frames prepended, pad t = 0).
#include <algorithm>

#include "backend/cuda/conv3d.cuh"
#include "backend/cuda/cuda_backend.h"
#include "backend/cuda/layout.cuh"
#include "util/error.h"

namespace gpuq::cuda {

Tensor CudaBackend::conv3d(const Tensor& x, const Tensor& w, const Tensor* b, const std::vector<int>& stride,
                           const std::vector<int>& pad) {
  check(x.ndim() == 5 && w.ndim() == 5 && x.dim(1) == w.dim(1) && stride.size() == 3 && pad.size() == 3,
        ErrorCode::InvalidArgument, "conv3d: input " + shape_str(x.shape()) + " vs weight " + shape_str(w.shape()));
  const Conv3dPlan p = plan_conv3d(x.shape().data(), w.shape().data(), stride.data(), pad.data());
  check(p.valid(), ErrorCode::InvalidArgument,
        "conv3d: no output for input " + shape_str(x.shape()) + " with weight " + shape_str(w.shape()));
  const int64_t batch = x.dim(0), cout = w.dim(0), pixels = p.pixels(), cols = p.columns();
  Scope scope_(*this, "conv3d", 2.0 * static_cast<double>(batch * cout * pixels) * static_cast<double>(cols));
  const float* xin = in_f32(x, "conv3d");
  const int64_t in_item = x.numel() / batch;
  Tensor ct = alloc({batch, pixels, cout});
  const int64_t band = conv3d_band(p, scratch_cap_, kGemmMaxRows);
  Tensor col = alloc({band, cols});
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t p0 = 0; p0 < pixels; p0 += band) {
      const int64_t np = std::min(band, pixels - p0);
      launch_im2col3d(xin + n * in_item, static_cast<float*>(col.device_ptr()), p, p0, np, stream_);
      gemm_columns(col, np, w, static_cast<float*>(ct.device_ptr()) + (n * pixels + p0) * cout);
    }
  Tensor y = alloc({batch, cout, p.ot, p.oh, p.ow});
  launch_transpose(static_cast<const float*>(ct.device_ptr()), static_cast<float*>(y.device_ptr()), batch, pixels,
                   cout, b ? in_f32(*b, "conv3d bias") : nullptr, stream_);
  return y;
}

}  // namespace gpuq::cuda
