// The CPU backend with the CUDA backend's operand rounding: activations entering a matrix product
// are rounded to the weight's storage type (bf16 / fp16; fp32 weights run TF32, emulated as fp32
// here), attention's q, k, v to fp16 (GemmMath::F16). Products still accumulate in fp32, as the
// tensor cores do. The device self-check runs the tiny UNet on it to learn how far the GPU's
// stated precision alone moves each tensor (random tiny UNets amplify operand rounding up to a
// few percent), and allows the GPU twice that.
#pragma once

#include "backend/cpu/cpu_backend.h"

namespace gpuq {

class OperandRoundingBackend final : public CpuBackend {
 public:
  explicit OperandRoundingBackend(int threads) : CpuBackend(threads) {}
  std::string name() const override { return "cpu with gpu operand rounding"; }

  Tensor linear(const Tensor& x, const Tensor& w, const Tensor* b) override;
  Tensor conv2d(const Tensor& x, const Tensor& w, const Tensor* b, int stride, int pad) override;
  Tensor conv3d(const Tensor& x, const Tensor& w, const Tensor* b, const std::vector<int>& stride,
                const std::vector<int>& pad) override;
  Tensor attention(const Tensor& q, const Tensor& k, const Tensor& v, int heads, float scale, bool causal) override;
  Tensor attention_biased(const Tensor& q, const Tensor& k, const Tensor& v, int heads, float scale,
                          const Tensor& bias) override;
};

}  // namespace gpuq
