// Tensor-core matrix products with fp32 accumulation: C = alpha * A · op(B) (+ bias[n]).
// A is fp32 activations [M, K] (row stride lda); B is either a weight [N, K] (PyTorch Linear
// layout, `b_kn` false) or a [K, N] matrix (`b_kn` true, attention's values), stored fp32, fp16
// or bf16. Operands are rounded to the math type on their way into shared memory: TF32 keeps
// fp32 weights near fp32 accuracy, F16/BF16 run at the full tensor-core rate.
// Batched over gridDim.z = batch: operand z starts at (z / heads) * s0 + (z % heads) * s1, which
// addresses one head of packed [B, L, H*D] activations without a copy.
//
// Why our own kernel and not cuBLASLt: the build machines have no cuBLAS headers, and loading it
// with dlopen needs hand-written declarations of its API that nothing here could test; WMMA
// (HMMA instructions) runs on every GPU from sm_80 and is checked against the CPU in
// test_cuda_ops. A wgmma (sm_90a) kernel or run-time cuBLASLt is the next step for speed.
#pragma once

#include <cstdint>

#include <cuda_runtime.h>

namespace gpuq::cuda {

enum class GemmMath { TF32, F16, BF16 };

// Rows (M) one launch of our kernel takes: 65535 blocks of 64 rows in the grid's y dimension.
constexpr int64_t kGemmMaxRows = int64_t{65535} * 64;
enum class GemmB { F32, F16, BF16 };

struct GemmArgs {
  int64_t m = 0, n = 0, k = 0;
  const float* a = nullptr;
  int64_t lda = 0, a_s0 = 0, a_s1 = 0;
  const void* b = nullptr;
  int64_t ldb = 0, b_s0 = 0, b_s1 = 0;
  bool b_kn = false;
  float* c = nullptr;
  int64_t ldc = 0, c_s0 = 0, c_s1 = 0;
  const float* bias = nullptr;  // [N] or null
  float alpha = 1.0f;
  int batch = 1, heads = 1;
};

// Throws Error(Unsupported) for a (B type, math, layout) combination with no kernel instance.
void launch_gemm(const GemmArgs& args, GemmB b_type, GemmMath math, cudaStream_t s);

}  // namespace gpuq::cuda
