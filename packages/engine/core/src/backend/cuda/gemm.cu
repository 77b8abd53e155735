#include "backend/cuda/gemm.cuh"

#include <type_traits>

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <mma.h>

#include "backend/cuda/cuda_check.h"
#include "util/error.h"

namespace gpuq::cuda {

namespace {

namespace wmma = nvcuda::wmma;

// 64x64 output tile per block of 4 warps (each 32x32 = 2x2 fragments), K in steps of 32.
constexpr int BM = 64, BN = 64, BK = 32, kGemmThreads = 128;

template <typename TC>
struct MathTraits;  // TC: the shared-memory element type
template <>
struct MathTraits<__half> {
  static constexpr int kFragK = 16;
  using Elem = __half;
  static __device__ __forceinline__ __half from(float v) { return __float2half_rn(v); }
};
template <>
struct MathTraits<__nv_bfloat16> {
  static constexpr int kFragK = 16;
  using Elem = __nv_bfloat16;
  static __device__ __forceinline__ __nv_bfloat16 from(float v) { return __float2bfloat16_rn(v); }
};
template <>
struct MathTraits<float> {  // TF32: fp32 in shared memory, rounded when loaded into fragments
  static constexpr int kFragK = 8;
  using Elem = wmma::precision::tf32;
  static __device__ __forceinline__ float from(float v) { return v; }
};

__device__ __forceinline__ float to_float(float v) { return v; }
__device__ __forceinline__ float to_float(__half v) { return __half2float(v); }
__device__ __forceinline__ float to_float(__nv_bfloat16 v) { return __bfloat162float(v); }

template <typename TB, typename TC, bool KN>
__global__ void __launch_bounds__(kGemmThreads) gemm_kernel(GemmArgs g) {
  using T = MathTraits<TC>;
  constexpr int FK = T::kFragK;
  // Row padding keeps fragment loads off a single bank while rows stay 32-byte aligned, as WMMA
  // requires (ldm a multiple of 16 bytes, fragment pointers 32-byte aligned).
  constexpr int PAD = sizeof(TC) == 2 ? 8 : 4;
  constexpr int LDA = BK + PAD;
  constexpr int LDB = KN ? BN + PAD : BK + PAD;
  constexpr int BROWS = KN ? BK : BN;
  constexpr int LDC = BN + 4;
  __shared__ __align__(128) TC as[BM * LDA];
  __shared__ __align__(128) TC bs[BROWS * LDB];
  __shared__ __align__(128) float cs[BM * LDC];

  int64_t zo = blockIdx.z / g.heads, zi = blockIdx.z % g.heads;
  const float* A = g.a + zo * g.a_s0 + zi * g.a_s1;
  const TB* B = static_cast<const TB*>(g.b) + zo * g.b_s0 + zi * g.b_s1;
  float* C = g.c + zo * g.c_s0 + zi * g.c_s1;
  int64_t m0 = static_cast<int64_t>(blockIdx.y) * BM, n0 = static_cast<int64_t>(blockIdx.x) * BN;
  int warp = threadIdx.x / 32, wm = (warp / 2) * 32, wn = (warp % 2) * 32;

  using LayoutB = std::conditional_t<KN, wmma::row_major, wmma::col_major>;
  wmma::fragment<wmma::accumulator, 16, 16, FK, float> acc[2][2];
#pragma unroll
  for (int i = 0; i < 2; ++i)
#pragma unroll
    for (int j = 0; j < 2; ++j) wmma::fill_fragment(acc[i][j], 0.0f);

  for (int64_t k0 = 0; k0 < g.k; k0 += BK) {
    // Consecutive threads read consecutive k (or n for KN): coalesced; out-of-range reads as 0.
    for (int i = threadIdx.x; i < BM * BK; i += kGemmThreads) {
      int r = i / BK, c = i % BK;
      int64_t gm = m0 + r, gk = k0 + c;
      as[r * LDA + c] = T::from(gm < g.m && gk < g.k ? A[gm * g.lda + gk] : 0.0f);
    }
    if constexpr (KN) {
      for (int i = threadIdx.x; i < BK * BN; i += kGemmThreads) {
        int r = i / BN, c = i % BN;
        int64_t gk = k0 + r, gn = n0 + c;
        bs[r * LDB + c] = T::from(gk < g.k && gn < g.n ? to_float(B[gk * g.ldb + gn]) : 0.0f);
      }
    } else {
      for (int i = threadIdx.x; i < BN * BK; i += kGemmThreads) {
        int r = i / BK, c = i % BK;
        int64_t gn = n0 + r, gk = k0 + c;
        bs[r * LDB + c] = T::from(gn < g.n && gk < g.k ? to_float(B[gn * g.ldb + gk]) : 0.0f);
      }
    }
    __syncthreads();
#pragma unroll
    for (int kk = 0; kk < BK; kk += FK) {
      wmma::fragment<wmma::matrix_a, 16, 16, FK, typename T::Elem, wmma::row_major> fa[2];
      wmma::fragment<wmma::matrix_b, 16, 16, FK, typename T::Elem, LayoutB> fb[2];
#pragma unroll
      for (int i = 0; i < 2; ++i) {
        wmma::load_matrix_sync(fa[i], as + (wm + 16 * i) * LDA + kk, LDA);
        if constexpr (std::is_same_v<TC, float>)
          for (int t = 0; t < fa[i].num_elements; ++t) fa[i].x[t] = wmma::__float_to_tf32(fa[i].x[t]);
      }
#pragma unroll
      for (int j = 0; j < 2; ++j) {
        const TC* p = KN ? bs + kk * LDB + wn + 16 * j : bs + (wn + 16 * j) * LDB + kk;
        wmma::load_matrix_sync(fb[j], p, LDB);
        if constexpr (std::is_same_v<TC, float>)
          for (int t = 0; t < fb[j].num_elements; ++t) fb[j].x[t] = wmma::__float_to_tf32(fb[j].x[t]);
      }
#pragma unroll
      for (int i = 0; i < 2; ++i)
#pragma unroll
        for (int j = 0; j < 2; ++j) wmma::mma_sync(acc[i][j], fa[i], fb[j], acc[i][j]);
    }
    __syncthreads();
  }

  // Through shared memory so the bounds-checked global writes are coalesced rows.
#pragma unroll
  for (int i = 0; i < 2; ++i)
#pragma unroll
    for (int j = 0; j < 2; ++j)
      wmma::store_matrix_sync(cs + (wm + 16 * i) * LDC + wn + 16 * j, acc[i][j], LDC, wmma::mem_row_major);
  __syncthreads();
  for (int i = threadIdx.x; i < BM * BN; i += kGemmThreads) {
    int r = i / BN, c = i % BN;
    int64_t gm = m0 + r, gn = n0 + c;
    if (gm < g.m && gn < g.n) C[gm * g.ldc + gn] = g.alpha * cs[r * LDC + c] + (g.bias ? g.bias[gn] : 0.0f);
  }
}

template <typename TB, typename TC, bool KN>
void run(const GemmArgs& g, cudaStream_t s) {
  dim3 grid(static_cast<unsigned>((g.n + BN - 1) / BN), static_cast<unsigned>((g.m + BM - 1) / BM),
            static_cast<unsigned>(g.batch));
  gemm_kernel<TB, TC, KN><<<grid, kGemmThreads, 0, s>>>(g);
  CUDA_CHECK_LAUNCH();
}

}  // namespace

void launch_gemm(const GemmArgs& g, GemmB b_type, GemmMath math, cudaStream_t s) {
  if (g.m == 0 || g.n == 0 || g.batch == 0) return;
  static_assert(kGemmMaxRows == int64_t{65535} * BM, "kGemmMaxRows follows the tile height");
  check(g.m <= kGemmMaxRows, ErrorCode::Unsupported, "gemm: M too large for one launch");
  if (!g.b_kn && b_type == GemmB::F32 && math == GemmMath::TF32) return run<float, float, false>(g, s);
  if (!g.b_kn && b_type == GemmB::F16 && math == GemmMath::F16) return run<__half, __half, false>(g, s);
  if (!g.b_kn && b_type == GemmB::BF16 && math == GemmMath::BF16)
    return run<__nv_bfloat16, __nv_bfloat16, false>(g, s);
  if (!g.b_kn && b_type == GemmB::F32 && math == GemmMath::F16) return run<float, __half, false>(g, s);
  if (g.b_kn && b_type == GemmB::F32 && math == GemmMath::F16) return run<float, __half, true>(g, s);
  if (g.b_kn && b_type == GemmB::F32 && math == GemmMath::TF32) return run<float, float, true>(g, s);
  if (!g.b_kn && b_type == GemmB::F32 && math == GemmMath::BF16) return run<float, __nv_bfloat16, false>(g, s);
  throw Error(ErrorCode::Unsupported, "gemm: no kernel for this operand type and math mode");
}

}  // namespace gpuq::cuda
