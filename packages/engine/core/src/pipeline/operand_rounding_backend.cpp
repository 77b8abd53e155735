#include "pipeline/operand_rounding_backend.h"

namespace gpuq {

namespace {

// x rounded to the type the GPU's product reads it in (fp32 weights: kept, TF32 is finer than
// any difference the self-check looks for).
Tensor as_operand(const Tensor& x, const Tensor& w) {
  return w.dtype() == DType::F16 || w.dtype() == DType::BF16 ? x.to_dtype(w.dtype()).to_f32() : x;
}
Tensor f16(const Tensor& t) { return t.to_dtype(DType::F16).to_f32(); }

}  // namespace

Tensor OperandRoundingBackend::linear(const Tensor& x, const Tensor& w, const Tensor* b) {
  return CpuBackend::linear(as_operand(x, w), w, b);
}

Tensor OperandRoundingBackend::conv2d(const Tensor& x, const Tensor& w, const Tensor* b, int stride, int pad) {
  return CpuBackend::conv2d(as_operand(x, w), w, b, stride, pad);
}

Tensor OperandRoundingBackend::conv3d(const Tensor& x, const Tensor& w, const Tensor* b, const std::vector<int>& stride,
                                      const std::vector<int>& pad) {
  return CpuBackend::conv3d(as_operand(x, w), w, b, stride, pad);
}

Tensor OperandRoundingBackend::attention(const Tensor& q, const Tensor& k, const Tensor& v, int heads, float scale,
                                         bool causal) {
  return CpuBackend::attention(f16(q), f16(k), f16(v), heads, scale, causal);
}

Tensor OperandRoundingBackend::attention_biased(const Tensor& q, const Tensor& k, const Tensor& v, int heads,
                                                float scale, const Tensor& bias) {
  return CpuBackend::attention_biased(f16(q), f16(k), f16(v), heads, scale, bias);
}

}  // namespace gpuq
