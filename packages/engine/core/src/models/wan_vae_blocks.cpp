#include "models/wan_vae_blocks.h"

#include <algorithm>
#include <cmath>

namespace gpuq {

size_t WanCausalBlocks::Cache::next_slot() {
  if (idx >= slots.size()) {
    slots.resize(idx + 1);
    rep.resize(idx + 1, false);
  }
  return idx++;
}

Tensor WanCausalBlocks::causal_conv(const std::string& prefix, const Tensor& x, const Tensor* cache) const {
  const Tensor& w = w_.get(prefix + ".weight");
  const int kt = static_cast<int>(w.dim(2)), kh = static_cast<int>(w.dim(3));
  Tensor in = x;
  int front = kt - 1;
  if (front > 0 && cache && cache->defined()) {
    in = be_.concat(*cache, in, 2);
    front -= static_cast<int>(cache->dim(2));
  }
  if (front > 0) {
    Shape s = in.shape();
    s[2] = front;
    in = be_.concat(be_.upload(Tensor::zeros(s)), in, 2);
  }
  return be_.conv3d(in, w, w_.find(prefix + ".bias"), {1, 1, 1}, {0, kh / 2, kh / 2});
}

Tensor WanCausalBlocks::cached_conv(const std::string& prefix, const Tensor& x, Cache& cache) const {
  Tensor& slot = cache.slots[cache.next_slot()];
  // The next chunk's cache: the last two input frames, or the old cache's last frame plus this one.
  const int64_t t = x.dim(2);
  Tensor next = be_.narrow(x, 2, std::max<int64_t>(0, t - 2), std::min<int64_t>(2, t));
  if (next.dim(2) < 2 && slot.defined()) next = be_.concat(be_.narrow(slot, 2, slot.dim(2) - 1, 1), next, 2);
  Tensor y = causal_conv(prefix, x, &slot);
  slot = next;
  return y;
}

Tensor WanCausalBlocks::residual_block(const std::string& p, const Tensor& x, Cache& cache) const {
  Tensor h = w_.has(p + ".conv_shortcut.weight") ? causal_conv(p + ".conv_shortcut", x, nullptr) : x;
  Tensor y = be_.rms_norm_channels(x, w_.get(p + ".norm1.gamma"), w_.find(p + ".norm1.bias"), true);
  y = cached_conv(p + ".conv1", y, cache);
  y = be_.rms_norm_channels(y, w_.get(p + ".norm2.gamma"), w_.find(p + ".norm2.bias"), true);
  y = cached_conv(p + ".conv2", y, cache);
  return be_.add(y, h);
}

Tensor WanCausalBlocks::attention_block(const std::string& p, const Tensor& x) const {
  const int64_t b = x.dim(0), c = x.dim(1), t = x.dim(2), h = x.dim(3), w = x.dim(4);
  Tensor f = be_.permute(x, {0, 2, 1, 3, 4}).reshape({b * t, c, h, w});
  f = be_.rms_norm_channels(f, w_.get(p + ".norm.gamma"), w_.find(p + ".norm.bias"), false);
  Tensor qkv = be_.nchw_to_nlc(be_.conv2d(f, w_.get(p + ".to_qkv.weight"), w_.find(p + ".to_qkv.bias"), 1, 0));
  Tensor a = be_.attention(be_.narrow(qkv, 2, 0, c), be_.narrow(qkv, 2, c, c), be_.narrow(qkv, 2, 2 * c, c), 1,
                           1.0f / std::sqrt(static_cast<float>(c)), false);
  f = be_.conv2d(be_.nlc_to_nchw(a, h, w), w_.get(p + ".proj.weight"), w_.find(p + ".proj.bias"), 1, 0);
  return be_.add(be_.permute(f.reshape({b, t, c, h, w}), {0, 2, 1, 3, 4}), x);
}

Tensor WanCausalBlocks::mid_block(const std::string& p, const Tensor& x, Cache& cache) const {
  Tensor y = residual_block(p + ".resnets.0", x, cache);
  y = attention_block(p + ".attentions.0", y);
  return residual_block(p + ".resnets.1", y, cache);
}

Tensor WanCausalBlocks::frame_conv(const std::string& p, const Tensor& x, int stride, int pad) const {
  const Tensor& k = w_.get(p + ".weight");
  return be_.conv3d(x, k.reshape({k.dim(0), k.dim(1), 1, k.dim(2), k.dim(3)}), w_.find(p + ".bias"),
                    {1, stride, stride}, {0, pad, pad});
}

}  // namespace gpuq
