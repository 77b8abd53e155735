// 3D convolution on the CPU as a batched 2D convolution: for each output frame, the kt input
// frames it reads are stacked as channels (c-major, so [Cout, Cin, kt, kh, kw] weights read as
// [Cout, Cin*kt, kh, kw] without a copy), the output frames form the batch of one conv2d (the
// im2col + sgemm path), and the result [T, Cout, H, W] is turned back into [Cout, T, H, W].
#include <algorithm>
#include <cstring>

#include "backend/cpu/cpu_backend.h"
#include "util/error.h"

namespace gpuq {

Tensor CpuBackend::conv3d(const Tensor& x, const Tensor& w, const Tensor* b, const std::vector<int>& stride,
                          const std::vector<int>& pad) {
  check(x.ndim() == 5 && w.ndim() == 5 && x.dim(1) == w.dim(1) && stride.size() == 3 && pad.size() == 3,
        ErrorCode::InvalidArgument, "conv3d: input " + shape_str(x.shape()) + " vs weight " + shape_str(w.shape()));
  // conv2d takes one stride and padding for both spatial axes; every WAN convolution has them equal.
  if (stride[1] != stride[2] || pad[1] != pad[2]) return Backend::conv3d(x, w, b, stride, pad);
  const int64_t batch = x.dim(0), cin = x.dim(1), t = x.dim(2), h = x.dim(3), wd = x.dim(4);
  const int64_t cout = w.dim(0), kt = w.dim(2), plane = h * wd;
  const int64_t ot = (t + 2 * pad[0] - kt) / stride[0] + 1;
  check(ot > 0, ErrorCode::InvalidArgument, "conv3d: no output frames for " + shape_str(x.shape()));
  const Tensor w2 = w.reshape({cout, cin * kt, w.dim(3), w.dim(4)});
  // Output frames go through conv2d in groups whose stacked input stays below the im2col cap:
  // WAN's VAE at 480p would otherwise stack ~2 GB per convolution.
  const int64_t per_frame = cin * kt * plane;
  const int64_t group = std::max<int64_t>(1, std::min(ot, im2col_cap_ / std::max<int64_t>(1, per_frame)));
  Tensor y;
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t f0 = 0; f0 < ot; f0 += group) {
      const int64_t nf = std::min(group, ot - f0);
      Tensor stack = Tensor::empty({nf, cin * kt, h, wd});
      pool_->parallel_for(nf * cin * kt, [&](int64_t i0, int64_t i1) {
        for (int64_t i = i0; i < i1; ++i) {
          const int64_t f = f0 + i / (cin * kt), c = (i / kt) % cin, a = i % kt;
          const int64_t src_t = f * stride[0] - pad[0] + a;
          float* dst = stack.f32() + i * plane;
          if (src_t < 0 || src_t >= t) std::memset(dst, 0, static_cast<size_t>(plane) * 4);
          else std::memcpy(dst, x.f32() + ((n * cin + c) * t + src_t) * plane, static_cast<size_t>(plane) * 4);
        }
      });
      Tensor frames = conv2d(stack, w2, b, stride[1], pad[1]);  // [nf, cout, oh, ow]
      const int64_t oh = frames.dim(2), ow = frames.dim(3), oplane = oh * ow;
      if (!y.defined()) y = Tensor::empty({batch, cout, ot, oh, ow});
      pool_->parallel_for(nf * cout, [&](int64_t i0, int64_t i1) {
        for (int64_t i = i0; i < i1; ++i) {
          const int64_t f = f0 + i / cout, c = i % cout;
          std::memcpy(y.f32() + ((n * cout + c) * ot + f) * oplane, frames.f32() + i * oplane,
                      static_cast<size_t>(oplane) * 4);
        }
      });
    }
  return y;
}

}  // namespace gpuq
