// The CPU backend: fp32 compute, matrix products through sgemm (OpenBLAS when built with it),
// everything else parallelised over a ThreadPool. Each op family lives in its own .cpp.
#pragma once

#include <chrono>
#include <memory>
#include <vector>

#include "backend/backend.h"
#include "util/thread_pool.h"

namespace gpuq {

// Not final: the device self-check's tests derive doubles from it that perturb one op.
class CpuBackend : public Backend {
 public:
  explicit CpuBackend(int threads);

  std::string name() const override;
  Device device() const override { return Device::CPU; }
  Tensor upload(const Tensor& host) override { return host.to_f32(); }
  Tensor upload_weight(const Tensor& host, DType storage) override;
  Tensor download(const Tensor& t) override { return t.to_f32(); }

  Tensor linear(const Tensor& x, const Tensor& w, const Tensor* b) override;
  Tensor conv2d(const Tensor& x, const Tensor& w, const Tensor* b, int stride, int pad) override;
  Tensor group_norm(const Tensor& x, int groups, const Tensor& gamma, const Tensor& beta, float eps,
                    bool silu) override;
  Tensor layer_norm(const Tensor& x, const Tensor& gamma, const Tensor* beta, float eps) override;
  Tensor attention(const Tensor& q, const Tensor& k, const Tensor& v, int heads, float scale, bool causal) override;
  Tensor activation(const Tensor& x, Activation act) override;
  Tensor geglu(const Tensor& x) override;
  Tensor add(const Tensor& a, const Tensor& b) override;
  Tensor axpby(float alpha, const Tensor& a, float beta, const Tensor& b) override;
  Tensor add_channel_bias(const Tensor& x, const Tensor& v) override;
  Tensor upsample_nearest2x(const Tensor& x) override;
  Tensor concat_dim1(const Tensor& a, const Tensor& b) override;
  Tensor embedding(const Tensor& table, const std::vector<int64_t>& ids) override;
  Tensor nchw_to_nlc(const Tensor& x) override;
  Tensor nlc_to_nchw(const Tensor& x, int64_t h, int64_t w) override;

  Tensor conv3d(const Tensor& x, const Tensor& w, const Tensor* b, const std::vector<int>& stride,
                const std::vector<int>& pad) override;
  // WAN's ops, parallel over the pool (cpu_rms_norm, cpu_attention, cpu_rope, cpu_modulate,
  // cpu_layout .cpp); the host versions in backend/host_ops.cpp are their references.
  Tensor rms_norm(const Tensor& x, const Tensor* gamma, float eps) override;
  Tensor rms_norm_channels(const Tensor& x, const Tensor& gamma, const Tensor* bias, bool silu) override;
  Tensor attention_biased(const Tensor& q, const Tensor& k, const Tensor& v, int heads, float scale,
                          const Tensor& bias) override;
  Tensor rope(const Tensor& x, const Tensor& cos, const Tensor& sin, int heads) override;
  Tensor modulate(const Tensor& x, const Tensor& scale, const Tensor& shift) override;
  Tensor add_gated(const Tensor& x, const Tensor& y, const Tensor& gate) override;
  Tensor permute(const Tensor& x, const std::vector<int>& perm) override;

  ThreadPool& pool() { return *pool_; }
  // `w` as fp32: the tensor's own data, or a widened copy in a scratch buffer reused across calls
  // (ops on one backend run one at a time).
  const float* f32_weights(const Tensor& w);
  // Tests shrink this to reach the banded convolution path with small tensors.
  void set_im2col_cap(int64_t floats) { im2col_cap_ = floats; }

 private:
  // Adds the elapsed time of its scope to profile_[name] when profiling is on.
  class Scope {
   public:
    Scope(CpuBackend& be, const char* name, double flops) : be_(be), name_(name), flops_(flops) {
      if (be_.profiling_) start_ = std::chrono::steady_clock::now();
    }
    ~Scope() {
      if (!be_.profiling_) return;
      OpStat& s = be_.profile_[name_];
      ++s.calls;
      s.flops += flops_;
      s.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    }

   private:
    CpuBackend& be_;
    const char* name_;
    double flops_;
    std::chrono::steady_clock::time_point start_;
  };

  std::unique_ptr<ThreadPool> pool_;
  // im2col buffers stay below 64 Mi floats (256 MiB): SDXL's VAE at 1024x1024 would otherwise
  // need 4.7 GB for one 128-channel 3x3 convolution; larger outputs go in bands of rows.
  int64_t im2col_cap_ = int64_t{64} << 20;
  std::vector<float> weight_scratch_;
};

}  // namespace gpuq
