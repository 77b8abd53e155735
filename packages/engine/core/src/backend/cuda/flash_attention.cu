#include "backend/cuda/flash_attention.cuh"

#include <cuda_fp16.h>
#include <mma.h>

#include "backend/cuda/cuda_check.h"

namespace gpuq::cuda {

namespace {

namespace wmma = nvcuda::wmma;

constexpr int kTile = 64;     // queries per block and keys per step
constexpr int kWarps = 4;     // each warp owns 16 query rows
constexpr int kThreads = kWarps * 32;

// Shared-memory layout for head size D; every region starts 128-byte aligned and every row pitch
// keeps WMMA's 32-byte fragment alignment (half rows padded by 8, float rows by 4).
template <int D>
struct Smem {
  static constexpr int kLdh = D + 8, kLdo = D + 4, kLds = kTile + 4, kLdp = kTile + 8;
  static constexpr size_t align(size_t v) { return (v + 127) / 128 * 128; }
  static constexpr size_t q = 0;
  static constexpr size_t k = align(q + kTile * kLdh * 2);
  static constexpr size_t v = align(k + kTile * kLdh * 2);
  static constexpr size_t s = align(v + kTile * kLdh * 2);
  static constexpr size_t p = align(s + kTile * kLds * 4);
  static constexpr size_t o = align(p + kTile * kLdp * 2);
  static constexpr size_t stats = align(o + kTile * kLdo * 4);  // m, l, rescale per row
  static constexpr size_t bytes = stats + 3 * kTile * 4;
};

template <int D>
__device__ void load_tile(const float* src, __half* dst, int64_t rows_left, int64_t ld) {
  using S = Smem<D>;
  for (int i = threadIdx.x; i < kTile * D; i += kThreads) {
    int r = i / D, c = i % D;
    dst[r * S::kLdh + c] = __float2half_rn(r < rows_left ? src[r * ld + c] : 0.0f);
  }
}

template <int D>
__global__ void __launch_bounds__(kThreads) flash_kernel(const float* q, const float* k, const float* v, float* o,
                                                         int64_t lq, int64_t lk, int heads, float scale,
                                                         bool causal) {
  using S = Smem<D>;
  extern __shared__ __align__(128) unsigned char smem[];
  __half* qs = reinterpret_cast<__half*>(smem + S::q);
  __half* ks = reinterpret_cast<__half*>(smem + S::k);
  __half* vs = reinterpret_cast<__half*>(smem + S::v);
  float* ss = reinterpret_cast<float*>(smem + S::s);
  __half* ps = reinterpret_cast<__half*>(smem + S::p);
  float* os = reinterpret_cast<float*>(smem + S::o);
  float* m_row = reinterpret_cast<float*>(smem + S::stats);
  float* l_row = m_row + kTile;
  float* r_row = l_row + kTile;

  const int64_t hd = static_cast<int64_t>(heads) * D;
  const int64_t b = blockIdx.y / heads, h = blockIdx.y % heads;
  const int64_t q0 = static_cast<int64_t>(blockIdx.x) * kTile;
  const float* qb = q + (b * lq + q0) * hd + h * D;
  const float* kb = k + b * lk * hd + h * D;
  const float* vb = v + b * lk * hd + h * D;
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32, r0 = warp * 16;

  load_tile<D>(qb, qs, lq - q0, hd);
  for (int i = threadIdx.x; i < kTile * D; i += kThreads) os[(i / D) * S::kLdo + i % D] = 0.0f;
  if (threadIdx.x < kTile) {
    m_row[threadIdx.x] = -INFINITY;
    l_row[threadIdx.x] = 0.0f;
  }
  // Keys past the block's last query are all masked when causal: stop there.
  const int64_t k_end = causal ? min(lk, q0 + kTile) : lk;
  for (int64_t k0 = 0; k0 < k_end; k0 += kTile) {
    __syncthreads();  // previous tile fully consumed (and the initialisation above visible)
    load_tile<D>(kb + k0 * hd, ks, lk - k0, hd);
    load_tile<D>(vb + k0 * hd, vs, lk - k0, hd);
    __syncthreads();

    // S[16 rows of this warp, 64 keys] = Q Kᵀ.
    for (int j = 0; j < kTile / 16; ++j) {
      wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
      wmma::fill_fragment(acc, 0.0f);
      for (int d = 0; d < D; d += 16) {
        wmma::fragment<wmma::matrix_a, 16, 16, 16, __half, wmma::row_major> fa;
        wmma::fragment<wmma::matrix_b, 16, 16, 16, __half, wmma::col_major> fb;
        wmma::load_matrix_sync(fa, qs + r0 * S::kLdh + d, S::kLdh);
        wmma::load_matrix_sync(fb, ks + (16 * j) * S::kLdh + d, S::kLdh);
        wmma::mma_sync(acc, fa, fb, acc);
      }
      wmma::store_matrix_sync(ss + r0 * S::kLds + 16 * j, acc, S::kLds, wmma::mem_row_major);
    }
    __syncwarp();

    // Online softmax on the warp's rows: two keys per lane.
    for (int r = r0; r < r0 + 16; ++r) {
      const int64_t qi = q0 + r;
      float x[2];
      float mx = -INFINITY;
      for (int t = 0; t < 2; ++t) {
        const int c = lane + 32 * t;
        const int64_t kj = k0 + c;
        const bool valid = kj < lk && !(causal && kj > qi);
        x[t] = valid ? ss[r * S::kLds + c] * scale : -INFINITY;
        mx = fmaxf(mx, x[t]);
      }
      for (int off = 16; off > 0; off >>= 1) mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, off));
      const float m_old = m_row[r];
      const float m_new = fmaxf(m_old, mx);
      float sum = 0;
      for (int t = 0; t < 2; ++t) {
        const float p = m_new == -INFINITY ? 0.0f : __expf(x[t] - m_new);
        ps[r * S::kLdp + lane + 32 * t] = __float2half_rn(p);
        sum += p;
      }
      for (int off = 16; off > 0; off >>= 1) sum += __shfl_xor_sync(0xffffffffu, sum, off);
      const float rescale = m_old == -INFINITY ? 0.0f : __expf(m_old - m_new);
      __syncwarp();
      if (lane == 0) {
        m_row[r] = m_new;
        l_row[r] = l_row[r] * rescale + sum;
        r_row[r] = rescale;
      }
    }
    __syncwarp();
    for (int i = lane; i < 16 * D; i += 32) os[(r0 + i / D) * S::kLdo + i % D] *= r_row[r0 + i / D];
    __syncwarp();

    // O[16 rows, D] += P V.
    for (int j = 0; j < D / 16; ++j) {
      wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
      wmma::load_matrix_sync(acc, os + r0 * S::kLdo + 16 * j, S::kLdo, wmma::mem_row_major);
      for (int c = 0; c < kTile; c += 16) {
        wmma::fragment<wmma::matrix_a, 16, 16, 16, __half, wmma::row_major> fa;
        wmma::fragment<wmma::matrix_b, 16, 16, 16, __half, wmma::row_major> fb;
        wmma::load_matrix_sync(fa, ps + r0 * S::kLdp + c, S::kLdp);
        wmma::load_matrix_sync(fb, vs + c * S::kLdh + 16 * j, S::kLdh);
        wmma::mma_sync(acc, fa, fb, acc);
      }
      wmma::store_matrix_sync(os + r0 * S::kLdo + 16 * j, acc, S::kLdo, wmma::mem_row_major);
    }
    __syncwarp();
  }
  __syncthreads();
  float* ob = o + (b * lq + q0) * hd + h * D;
  for (int i = threadIdx.x; i < kTile * D; i += kThreads) {
    const int r = i / D, c = i % D;
    if (q0 + r < lq) ob[r * hd + c] = os[r * S::kLdo + c] / l_row[r];
  }
}

template <int D>
void launch(const float* q, const float* k, const float* v, float* o, int64_t batch, int64_t lq, int64_t lk,
            int heads, float scale, bool causal, cudaStream_t s) {
  constexpr size_t bytes = Smem<D>::bytes;
  // Above 48 KB a kernel must opt in to its dynamic shared memory (once per process is enough).
  static bool raised = false;
  if (!raised) {
    CUDA_CHECK(cudaFuncSetAttribute(flash_kernel<D>, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                    static_cast<int>(bytes)));
    raised = true;
  }
  dim3 grid(static_cast<unsigned>((lq + kTile - 1) / kTile), static_cast<unsigned>(batch * heads));
  flash_kernel<D><<<grid, kThreads, bytes, s>>>(q, k, v, o, lq, lk, heads, scale, causal);
  CUDA_CHECK_LAUNCH();
}

}  // namespace

bool flash_attention_supports(int64_t head_dim) { return head_dim == 64 || head_dim == 128; }

void launch_flash_attention(const float* q, const float* k, const float* v, float* o, int64_t batch, int64_t lq,
                            int64_t lk, int heads, int64_t head_dim, float scale, bool causal, cudaStream_t s) {
  if (lq == 0 || batch == 0) return;
  if (head_dim == 64) return launch<64>(q, k, v, o, batch, lq, lk, heads, scale, causal, s);
  launch<128>(q, k, v, o, batch, lq, lk, heads, scale, causal, s);
}

}  // namespace gpuq::cuda
