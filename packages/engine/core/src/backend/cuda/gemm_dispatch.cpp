#include "backend/cuda/gemm_dispatch.h"

#include <library_types.h>

#include <climits>
#include <cstdio>

#include "backend/cuda/cublas_loader.h"
#include "backend/cuda/elementwise.cuh"
#include "util/error.h"

namespace gpuq::cuda {

GemmImpl parse_gemm_impl(const std::string& name) {
  if (name.empty() || name == "auto") return GemmImpl::Auto;
  if (name == "own") return GemmImpl::Own;
  if (name == "cublas") return GemmImpl::Cublas;
  throw Error(ErrorCode::InvalidArgument, "GPUQ_CUDA_GEMM=" + name + " (expected auto, own or cublas)");
}

const char* gemm_impl_name(GemmImpl impl) {
  switch (impl) {
    case GemmImpl::Own: return "own";
    case GemmImpl::Cublas: return "cublas";
    default: return "auto";
  }
}

namespace {

bool fits_int(int64_t v) { return v >= 0 && v <= INT_MAX; }

// The cuBLAS form of the product, or false when it has none. Row-major C[M,N] = A·op(B) is
// column-major Cᵀ[N,M] = op(B)ᵀ-as-stored · Aᵀ-as-stored: B goes first, A second.
bool try_cublas(const GemmArgs& g, GemmB b_type, GemmMath math, DevicePool& pool, cudaStream_t s) {
  Cublas* blas = Cublas::get();
  if (!blas) return false;
  long long sa = 0, sb = 0, sc = 0;
  if (g.batch > 1) {
    if (g.heads == g.batch) sa = g.a_s1, sb = g.b_s1, sc = g.c_s1;
    else if (g.heads == 1) sa = g.a_s0, sb = g.b_s0, sc = g.c_s0;
    else return false;
    if (g.bias) return false;
  }
  if (!fits_int(g.m) || !fits_int(g.n) || !fits_int(g.k) || !fits_int(g.lda) || !fits_int(g.ldb) || !fits_int(g.ldc))
    return false;
  const void* a = g.a;
  int lda = static_cast<int>(g.lda);
  cudaDataType at = CUDA_R_32F, bt = CUDA_R_32F;
  BlasCompute compute = BlasCompute::F32FastTF32;
  std::shared_ptr<void> converted;
  if (b_type == GemmB::F32) {
    compute = math == GemmMath::F16 ? BlasCompute::F32FastF16
              : math == GemmMath::BF16 ? BlasCompute::F32FastBF16
                                       : BlasCompute::F32FastTF32;
  } else {
    // Half weights: cuBLAS wants A of the same type, so the activations are rounded once.
    if (g.batch > 1) return false;
    const int dt = b_type == GemmB::F16 ? 1 : 2;
    converted = pool.alloc(static_cast<size_t>(g.m * g.k) * 2);
    launch_convert_rows(g.a, g.lda, converted.get(), g.m, g.k, dt, s);
    a = converted.get();
    lda = static_cast<int>(g.k);
    at = bt = dt == 1 ? CUDA_R_16F : CUDA_R_16BF;
    compute = BlasCompute::F32;
  }
  float beta = 0;
  if (g.bias) {
    launch_fill_rows(g.c, g.ldc, g.bias, g.m, g.n, s);
    beta = 1;
  }
  int status = blas->gemm(s, g.b_kn ? BlasOp::N : BlasOp::T, BlasOp::N, static_cast<int>(g.n), static_cast<int>(g.m),
                          static_cast<int>(g.k), g.alpha, g.b, bt, static_cast<int>(g.ldb), sb, a, at, lda, sa, beta,
                          g.c, CUDA_R_32F, static_cast<int>(g.ldc), sc, g.batch, compute);
  if (status != 0) {
    static bool told = false;
    if (!told) {
      std::fprintf(stderr, "gpuq: cuBLAS gemm failed with status %d (m %lld n %lld k %lld); using our kernel\n",
                   status, static_cast<long long>(g.m), static_cast<long long>(g.n), static_cast<long long>(g.k));
      told = true;
    }
    return false;
  }
  return true;
}

}  // namespace

GemmImpl run_gemm(const GemmArgs& g, GemmB b_type, GemmMath math, GemmImpl want, DevicePool& pool, cudaStream_t s) {
  if (want == GemmImpl::Cublas && !Cublas::get()) {
    std::string why;
    Cublas::get(&why);
    throw Error(ErrorCode::Unsupported, "GPUQ_CUDA_GEMM=cublas but cuBLAS did not load: " + why);
  }
  if (want != GemmImpl::Own && g.m > 0 && g.n > 0 && try_cublas(g, b_type, math, pool, s)) return GemmImpl::Cublas;
  launch_gemm(g, b_type, math, s);
  return GemmImpl::Own;
}

}  // namespace gpuq::cuda
