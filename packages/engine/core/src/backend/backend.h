// The compute interface every model runs on. Model code (CLIP, UNet, VAE) only calls these
// operations and never touches tensor memory directly, so the CUDA backend (cuda/) slots in
// by implementing this class; tensors it returns live on its device.
// Conventions: activations are NCHW (images) or [B, L, C] (sequences), weights use PyTorch
// layouts (Linear [out, in], Conv2d [out, in, kh, kw]). All ops return new tensors.
// Errors: Error(InvalidArgument) on shape mismatches, Error(OutOfMemory) on allocation failure.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace gpuq {

enum class Activation { SiLU, GeluErf, GeluTanh, QuickGelu };

// Time and arithmetic per op family, for the benchmark's roofline report.
struct OpStat {
  int64_t calls = 0;
  double seconds = 0;
  double flops = 0;  // multiply-adds count 2; only matrix products and attention are counted
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;
  virtual Device device() const = 0;

  // Weights and inputs enter through upload (fp32 on CPU; a device copy on CUDA), results leave
  // through download (always a CPU fp32 tensor).
  virtual Tensor upload(const Tensor& host) = 0;
  // A checkpoint weight. Matrices and kernels (2+ dims) are kept in `storage` (fp32, fp16 or
  // bf16: half storage halves the memory of real checkpoints, and an fp16 file stays mapped
  // without a copy); vectors (norms, biases) are always fp32. Matrix ops widen per call.
  virtual Tensor upload_weight(const Tensor& host, DType storage) = 0;
  virtual Tensor download(const Tensor& t) = 0;

  // y[..., N] = x[..., K] · wᵀ (+ b). w: [N, K].
  virtual Tensor linear(const Tensor& x, const Tensor& w, const Tensor* b) = 0;
  // NCHW convolution, groups 1, square stride/padding. w: [Cout, Cin, kh, kw].
  virtual Tensor conv2d(const Tensor& x, const Tensor& w, const Tensor* b, int stride, int pad) = 0;
  // GroupNorm over NCHW with per-channel affine, optionally followed by SiLU (fused: saves a pass).
  virtual Tensor group_norm(const Tensor& x, int groups, const Tensor& gamma, const Tensor& beta, float eps,
                            bool silu) = 0;
  // LayerNorm over the last dim; beta may be null.
  virtual Tensor layer_norm(const Tensor& x, const Tensor& gamma, const Tensor* beta, float eps) = 0;
  // Multi-head attention on packed heads: q [B, Lq, H*D], k and v [B, Lk, H*D] -> [B, Lq, H*D].
  // softmax(q kᵀ · scale, with keys after the query masked when causal) · v.
  virtual Tensor attention(const Tensor& q, const Tensor& k, const Tensor& v, int heads, float scale,
                           bool causal) = 0;
  virtual Tensor activation(const Tensor& x, Activation act) = 0;
  // x [..., 2N] -> x[..., :N] * gelu_erf(x[..., N:]) (diffusers' GEGLU chunk order).
  virtual Tensor geglu(const Tensor& x) = 0;
  virtual Tensor add(const Tensor& a, const Tensor& b) = 0;
  // a + s * b, elementwise on equal shapes (CFG, residual scaling).
  virtual Tensor axpby(float alpha, const Tensor& a, float beta, const Tensor& b) = 0;
  // x [B, C, H, W] + v [B, C] broadcast over H, W (the timestep embedding in every resnet).
  virtual Tensor add_channel_bias(const Tensor& x, const Tensor& v) = 0;
  virtual Tensor upsample_nearest2x(const Tensor& x) = 0;
  // Concatenate on dim 1 (channels for NCHW, features for [B, C]).
  virtual Tensor concat_dim1(const Tensor& a, const Tensor& b) = 0;
  // Rows of `table` [V, C] picked by ids -> [ids.size(), C]; throws InvalidArgument on an id
  // outside [0, V). Keeps token lookups on the device (a CLIP table is 250 MB).
  virtual Tensor embedding(const Tensor& table, const std::vector<int64_t>& ids) = 0;
  virtual Tensor nchw_to_nlc(const Tensor& x) = 0;  // [B, C, H, W] -> [B, H*W, C]
  virtual Tensor nlc_to_nchw(const Tensor& x, int64_t h, int64_t w) = 0;

  // --- Ops added for WAN 2.1 (UMT5, WanTransformer3DModel, AutoencoderKLWan). Each has a plain
  // host implementation (backend/host_ops.cpp: download, loop, upload) so a backend without a
  // kernel for it still runs; the CPU backend overrides the ones that matter for speed.

  // RMS norm over the last dim: x / sqrt(mean(x²) + eps) · gamma (gamma may be null). T5's
  // LayerNorm and WAN's q/k norm across heads.
  virtual Tensor rms_norm(const Tensor& x, const Tensor* gamma, float eps);
  // WAN VAE's RMS_norm over dim 1 of [B, C, ...]: x / max(‖x‖₂, 1e-12) · sqrt(C) · gamma (+ bias),
  // optionally followed by SiLU. gamma [C] (any shape with C elements), bias may be null.
  virtual Tensor rms_norm_channels(const Tensor& x, const Tensor& gamma, const Tensor* bias, bool silu);
  // attention() with an additive score bias [Bb, H, Lq, Lk] (Bb = 1 broadcasts over the batch):
  // softmax(q kᵀ · scale + bias) · v. UMT5's relative positions plus its padding mask.
  virtual Tensor attention_biased(const Tensor& q, const Tensor& k, const Tensor& v, int heads, float scale,
                                  const Tensor& bias);
  // Rotary embedding on packed heads x [B, L, H*D]: each pair (2i, 2i+1) of every head rotated by
  // the angle whose cos / sin are cos[l, i] / sin[l, i] ([L, D/2]). Computed in float64, as
  // diffusers 0.33's WAN attention does.
  virtual Tensor rope(const Tensor& x, const Tensor& cos, const Tensor& sin, int heads);
  // x [B, L, C] · (1 + scale) + shift, scale / shift [B, C] (adaLN modulation).
  virtual Tensor modulate(const Tensor& x, const Tensor& scale, const Tensor& shift);
  // x + y · gate, gate [B, C] broadcast over L (gated residual).
  virtual Tensor add_gated(const Tensor& x, const Tensor& y, const Tensor& gate);
  // NCTHW convolution with zero padding. w: [Cout, Cin, kt, kh, kw]; stride / pad per (t, h, w).
  // Causal padding is the caller's: it prepends cached frames and passes pad t = 0.
  virtual Tensor conv3d(const Tensor& x, const Tensor& w, const Tensor* b, const std::vector<int>& stride,
                        const std::vector<int>& pad);
  // a · b elementwise on equal shapes (UMT5's gated GELU).
  virtual Tensor mul(const Tensor& a, const Tensor& b);
  // Generic layout ops: dims permuted (out dim i = in dim perm[i]); a range along one dim; two
  // tensors joined along one dim.
  virtual Tensor permute(const Tensor& x, const std::vector<int>& perm);
  virtual Tensor narrow(const Tensor& x, int dim, int64_t start, int64_t count);
  virtual Tensor concat(const Tensor& a, const Tensor& b, int dim);

  // Device memory: the most bytes this backend's allocations held at once (weights included) since
  // the last reset; -1 on a backend without device memory (the CPU: the process's resident memory
  // tells).
  virtual int64_t peak_device_bytes() const { return -1; }
  virtual void reset_peak_device_bytes() {}

  // Profiling (off by default; a few clock reads per op when on).
  void set_profiling(bool on) { profiling_ = on; }
  const std::map<std::string, OpStat>& profile() const { return profile_; }
  void reset_profile() { profile_.clear(); }

 protected:
  bool profiling_ = false;
  std::map<std::string, OpStat> profile_;
};

// GPUQ_DEVICE semantics: "cpu" always works; "cuda" (or "cuda:<index>") throws
// Error(Unsupported) when the build has no CUDA backend or no usable device is present; "auto"
// is the CPU until the CUDA backend has passed its device checks on a GPU (then: CUDA device 0
// when built and present, else the CPU). `threads` applies to the CPU.
// The shapes attention_biased takes (q, k, v [B, L, H*D], bias [1 or B, H, Lq, Lk]); shared by every
// backend's implementation. InvalidArgument naming the shapes otherwise.
void check_attention_biased_shapes(const Tensor& q, const Tensor& k, const Tensor& v, int heads, const Tensor& bias);
// The other WAN ops' shape rules, shared the same way (InvalidArgument naming the shapes).
void check_rms_norm_channels_shapes(const Tensor& x, const Tensor& gamma, const Tensor* bias);
void check_rope_shapes(const Tensor& x, const Tensor& cos, const Tensor& sin, int heads);
// x [B, ..., C] with a per-sample vector v [B, C] (modulate's scale and shift, add_gated's gate).
void check_per_sample_vector(const char* op, const Tensor& x, const Tensor& v);

std::shared_ptr<Backend> make_backend(const std::string& device, int threads);
// Whether this build compiled the CUDA backend (nvcc was found), whatever the machine has.
bool cuda_backend_built();
// The free memory of the CUDA device a GPUQ_DEVICE value selects (as make_backend picks for
// "auto"), in bytes; -1 when it selects the CPU or the device cannot be read.
int64_t cuda_free_memory(const std::string& device);

}  // namespace gpuq
