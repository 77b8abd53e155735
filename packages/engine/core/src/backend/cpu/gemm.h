// Row-major single-precision matrix product for the CPU backend:
//   C[M, N] = alpha * op(A)[M, K] · op(B)[K, N] + beta * C
// op(X) is X or Xᵀ. With GPUQ_WITH_OPENBLAS, single-threaded cblas_sgemm calls on slices of C run
// on the pool; otherwise a packed, cache-blocked kernel parallelised over the pool.
#pragma once

#include <cstdint>

namespace gpuq {

class ThreadPool;

void sgemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
           const float* b, int64_t ldb, float beta, float* c, int64_t ldc, ThreadPool& pool);

// The same on the calling thread only: for use inside a pool task (the pool is not re-entrant).
void sgemm_serial(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                  int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc);

// Name of the implementation in use ("openblas" or "builtin"), for benchmarks and logs.
const char* sgemm_impl_name();

// Sets the thread count the BLAS library uses (no-op for the built-in kernel).
void sgemm_set_threads(int threads);

}  // namespace gpuq
