#include "backend/cpu/gemm.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "util/thread_pool.h"

#ifdef GPUQ_WITH_OPENBLAS
#include <cblas.h>
extern "C" void openblas_set_num_threads(int);
#endif

namespace gpuq {

#ifdef GPUQ_WITH_OPENBLAS

void sgemm_serial(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                  int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  if (m == 0 || n == 0) return;
  cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans,
              static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), alpha, a, static_cast<int>(lda), b,
              static_cast<int>(ldb), beta, c, static_cast<int>(ldc));
}

// OpenBLAS runs single-threaded (see sgemm_set_threads) and the product is split over our own
// pool: one set of threads for every op, so no BLAS workers spin while the pool runs norms and
// attention, and independent small products (attention heads) can run side by side.
void sgemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
           const float* b, int64_t ldb, float beta, float* c, int64_t ldc, ThreadPool& pool) {
  const int64_t threads = pool.size();
  if (threads == 1 || 2.0 * m * n * k < 4e6) {
    sgemm_serial(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    return;
  }
  if (m >= n) {
    const int64_t chunk = (m + threads - 1) / threads;
    pool.parallel_for(threads, [&](int64_t t0, int64_t t1) {
      for (int64_t t = t0; t < t1; ++t) {
        int64_t i0 = t * chunk, rows = std::min(m, i0 + chunk) - i0;
        if (rows <= 0) continue;
        sgemm_serial(trans_a, trans_b, rows, n, k, alpha, trans_a ? a + i0 : a + i0 * lda, lda, b, ldb, beta,
                     c + i0 * ldc, ldc);
      }
    });
  } else {
    // Column slices in multiples of 16 floats keep each thread's C stores on its own cache lines.
    const int64_t chunk = ((n + threads - 1) / threads + 15) / 16 * 16;
    pool.parallel_for(threads, [&](int64_t t0, int64_t t1) {
      for (int64_t t = t0; t < t1; ++t) {
        int64_t j0 = t * chunk, cols = std::min(n, j0 + chunk) - j0;
        if (cols <= 0) continue;
        sgemm_serial(trans_a, trans_b, m, cols, k, alpha, a, lda, trans_b ? b + j0 * ldb : b + j0, ldb, beta, c + j0,
                     ldc);
      }
    });
  }
}
const char* sgemm_impl_name() { return "openblas"; }
void sgemm_set_threads(int) { openblas_set_num_threads(1); }

#else

namespace {
// Block sizes: a KC x NC panel of B (256 x 512 floats = 512 KiB) stays in L2 while rows of A
// stream through; each thread owns a band of rows of C, so no two threads write the same line.
constexpr int64_t KC = 256;
constexpr int64_t NC = 512;

inline float at(const float* x, bool trans, int64_t ld, int64_t r, int64_t c) {
  return trans ? x[c * ld + r] : x[r * ld + c];
}
}  // namespace

void sgemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
           const float* b, int64_t ldb, float beta, float* c, int64_t ldc, ThreadPool& pool) {
  if (m == 0 || n == 0) return;
  for (int64_t i = 0; i < m; ++i) {
    float* row = c + i * ldc;
    if (beta == 0.0f) std::memset(row, 0, static_cast<size_t>(n) * 4);
    else if (beta != 1.0f)
      for (int64_t j = 0; j < n; ++j) row[j] *= beta;
  }
  for (int64_t k0 = 0; k0 < k; k0 += KC) {
    int64_t kc = std::min(KC, k - k0);
    for (int64_t n0 = 0; n0 < n; n0 += NC) {
      int64_t nc = std::min(NC, n - n0);
      // Pack op(B)[k0:k0+kc, n0:n0+nc] row-major so the inner loop is a contiguous axpy.
      std::vector<float> bp(static_cast<size_t>(kc * nc));
      for (int64_t p = 0; p < kc; ++p)
        for (int64_t j = 0; j < nc; ++j) bp[p * nc + j] = at(b, trans_b, ldb, k0 + p, n0 + j);
      pool.parallel_for(
          m,
          [&](int64_t i0, int64_t i1) {
            for (int64_t i = i0; i < i1; ++i) {
              float* crow = c + i * ldc + n0;
              for (int64_t p = 0; p < kc; ++p) {
                float av = alpha * at(a, trans_a, lda, i, k0 + p);
                const float* brow = bp.data() + p * nc;
                for (int64_t j = 0; j < nc; ++j) crow[j] += av * brow[j];
              }
            }
          },
          4);
    }
  }
}
void sgemm_serial(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                  int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  static ThreadPool single(1);
  sgemm(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, single);
}
const char* sgemm_impl_name() { return "builtin"; }
void sgemm_set_threads(int) {}

#endif

}  // namespace gpuq
