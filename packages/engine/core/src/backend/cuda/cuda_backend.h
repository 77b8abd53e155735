// The CUDA backend: fp32 activations in device memory, weights in their storage type (fp32, fp16
// or bf16), matrix products on the tensor cores with fp32 accumulation (gemm.cuh), everything else
// in memory-bound kernels, one kernel family per .cu file. Each backend owns one stream (one per
// job: jobs on one GPU do not wait for each other's syncs) and one caching memory pool.
// Errors: CUDA failures carry statement/file/line (cuda_check.h); OutOfMemory says how much was
// asked and how much is free; sticky faults are DeviceLost. Ops on CPU tensors: InvalidArgument.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <cuda_runtime.h>

#include "backend/backend.h"
#include "backend/cuda/cuda_pool.h"
#include "backend/cuda/gemm.cuh"
#include "backend/cuda/gemm_dispatch.h"

namespace gpuq::cuda {

class CudaBackend final : public Backend {
 public:
  explicit CudaBackend(int device);
  ~CudaBackend() override;

  std::string name() const override { return name_; }
  Device device() const override { return Device::CUDA; }
  Tensor upload(const Tensor& host) override;
  Tensor upload_weight(const Tensor& host, DType storage) override;
  Tensor download(const Tensor& t) override;

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

  // WAN's ops (cuda_wan_ops.cpp, cuda_conv3d.cpp), in place of the host loops of host_ops.cpp.
  Tensor rms_norm(const Tensor& x, const Tensor* gamma, float eps) override;
  Tensor rms_norm_channels(const Tensor& x, const Tensor& gamma, const Tensor* bias, bool silu) override;
  Tensor attention_biased(const Tensor& q, const Tensor& k, const Tensor& v, int heads, float scale,
                          const Tensor& bias) override;
  Tensor rope(const Tensor& x, const Tensor& cos, const Tensor& sin, int heads) override;
  Tensor modulate(const Tensor& x, const Tensor& scale, const Tensor& shift) override;
  Tensor add_gated(const Tensor& x, const Tensor& y, const Tensor& gate) override;
  Tensor conv3d(const Tensor& x, const Tensor& w, const Tensor* b, const std::vector<int>& stride,
                const std::vector<int>& pad) override;
  Tensor mul(const Tensor& a, const Tensor& b) override;
  Tensor permute(const Tensor& x, const std::vector<int>& perm) override;
  Tensor narrow(const Tensor& x, int dim, int64_t start, int64_t count) override;
  Tensor concat(const Tensor& a, const Tensor& b, int dim) override;

  // Who computes matrix products (gemm_dispatch.h); starts from GPUQ_CUDA_GEMM.
  void set_gemm_impl(GemmImpl impl) { gemm_impl_ = impl; }
  GemmImpl gemm_impl() const { return gemm_impl_; }
  // Products run by cuBLAS and by our kernel since the backend was made (the bench reports them).
  int64_t gemm_calls_cublas() const { return calls_cublas_; }
  int64_t gemm_calls_own() const { return calls_own_; }
  // Fused flash-style attention (flash_attention.cuh) where the head size allows, instead of two
  // products around a softmax; starts from GPUQ_CUDA_ATTENTION=flash (default: unfused until it
  // has been checked on a GPU).
  void set_flash_attention(bool on) { flash_ = on; }
  bool flash_attention() const { return flash_; }
  // Math of the two attention products (default F16; tests use TF32 for a tight comparison).
  void set_attention_math(GemmMath m) { attention_math_ = m; }
  // Largest im2col band / attention score block in bytes (tests shrink it to reach the banded paths).
  void set_scratch_cap(int64_t bytes) { scratch_cap_ = bytes; }
  // Waits for every op queued so far (benchmarks; download does it itself).
  void synchronize();
  DevicePool& pool() { return *pool_; }
  int64_t peak_device_bytes() const override { return static_cast<int64_t>(pool_->peak_bytes_in_use()); }
  void reset_peak_device_bytes() override { pool_->reset_peak(); }
  cudaStream_t stream() const { return stream_; }

  // An uninitialised device tensor from the pool.
  Tensor alloc(const Shape& shape, DType dtype = DType::F32);

 private:
  // Makes the device current on the calling thread (the binding runs jobs on libuv workers) and,
  // when profiling, syncs around the op so its time is its own.
  class Scope {
   public:
    Scope(CudaBackend& be, const char* name, double flops);
    ~Scope();

   private:
    CudaBackend& be_;
    const char* name_;
    double flops_;
    std::chrono::steady_clock::time_point start_;
  };

  void gemm_weights(const GemmArgs& args, const Tensor& w);
  // out [rows, Cout] = the first `rows` rows of a column buffer col [band, K] times the
  // convolution weight w [Cout, K...] as stored (conv2d and conv3d).
  void gemm_columns(const Tensor& col, int64_t rows, const Tensor& w, float* out);
  // Attention as two batched products around a row softmax, scores in blocks under the scratch
  // cap; `bias` [1 or B, H, Lq, Lk] (or null) is added to the scores before the softmax.
  Tensor attention_unfused(const Tensor& q, const Tensor& k, const Tensor& v, int heads, float scale, bool causal,
                           const Tensor* bias);
  void gemm(const GemmArgs& args, GemmB b_type, GemmMath math);

  int device_;
  std::string name_;
  cudaStream_t stream_ = nullptr;
  std::shared_ptr<DevicePool> pool_;
  GemmMath attention_math_ = GemmMath::F16;
  GemmImpl gemm_impl_ = GemmImpl::Auto;
  bool flash_ = false;
  int64_t calls_cublas_ = 0, calls_own_ = 0;
  int64_t scratch_cap_ = int64_t{1} << 30;
};

// Device pointer of a CUDA tensor; InvalidArgument (naming the op) for a CPU tensor.
const float* in_f32(const Tensor& t, const char* op);

}  // namespace gpuq::cuda
