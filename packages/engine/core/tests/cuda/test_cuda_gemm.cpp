// Every GEMM form the backend uses, on both implementations (our kernel, and cuBLAS when it
// loads), against a float64 CPU reference on fresh random data: weight layouts [N,K] and [K,N],
// fp32 (TF32 math) / fp16 / bf16 weights, fp16 math on fp32 operands (attention), bias, alpha,
// strided batches, and sizes off the 64x64 tile grid. Tolerance (rel. L2): 2e-3 for TF32 and
// fp16 operands, 1e-2 for bf16. Also banded convolution, blocked attention and the fused
// flash-style attention kernel. Skips (77) without a device.
#include <cmath>
#include <cstdio>
#include <string>
#include <tuple>

#include "../cuda_test_util.h"
#include "../test_util.h"
#include "backend/cpu/cpu_backend.h"
#include "backend/cuda/cublas_loader.h"
#include "backend/cuda/cuda_backend.h"
#include "pipeline/sdxl.h"

using namespace gpuq;
using namespace gpuq::cuda;

namespace {

struct Case {
  const char* name;
  GemmB b_type;
  GemmMath math;
  bool kn, bias;
  int batch;
  double tol;
};

DType storage_of(GemmB b) { return b == GemmB::F16 ? DType::F16 : b == GemmB::BF16 ? DType::BF16 : DType::F32; }

void run_case(CudaBackend& be, const Case& c, GemmImpl impl) {
  const int64_t m = 130, n = 75, k = 97, batch = c.batch;
  // Host operands; B rounded to its storage type so that only the GPU's arithmetic is measured.
  Tensor a = seeded_normal({batch, m, k}, 31);
  Tensor b = seeded_normal(c.kn ? Shape{batch, k, n} : Shape{batch, n, k}, 32).to_dtype(storage_of(c.b_type)).to_f32();
  Tensor bias = seeded_normal({n}, 33);
  const float alpha = 0.75f;
  Tensor ref = Tensor::empty({batch, m, n});
  for (int64_t z = 0; z < batch; ++z)
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double acc = 0;
        for (int64_t q = 0; q < k; ++q) {
          double bv = c.kn ? b.f32()[(z * k + q) * n + j] : b.f32()[(z * n + j) * k + q];
          acc += double(a.f32()[(z * m + i) * k + q]) * bv;
        }
        ref.f32()[(z * m + i) * n + j] = static_cast<float>(alpha * acc + (c.bias ? bias.f32()[j] : 0.0));
      }
  Tensor da = be.upload(a), db = be.upload_weight(b, storage_of(c.b_type)), dbias = be.upload(bias);
  Tensor dc = be.alloc({batch, m, n});
  GemmArgs g;
  g.m = m, g.n = n, g.k = k;
  g.a = static_cast<const float*>(da.device_ptr()), g.lda = k, g.a_s0 = m * k;
  g.b = db.device_ptr(), g.ldb = c.kn ? n : k, g.b_s0 = n * k, g.b_kn = c.kn;
  g.c = static_cast<float*>(dc.device_ptr()), g.ldc = n, g.c_s0 = m * n;
  g.bias = c.bias ? static_cast<const float*>(dbias.device_ptr()) : nullptr;
  g.alpha = alpha;
  g.batch = static_cast<int>(batch);
  GemmImpl ran = run_gemm(g, c.b_type, c.math, impl, be.pool(), be.stream());
  double err = test::rel_l2(be.download(dc), ref);
  std::printf("  %-8s %-28s ran %-7s rel L2 %.3g (tol %.0e)%s\n", gemm_impl_name(impl), c.name, gemm_impl_name(ran),
              err, c.tol, err <= c.tol ? "" : "  FAIL");
  if (!(err <= c.tol)) ++test::failures();
}

}  // namespace

int main() {
  auto gpu = test::cuda_or_skip("test_cuda_gemm");
  auto& be = static_cast<CudaBackend&>(*gpu);
  std::printf("backend: %s\n", be.name().c_str());
  std::string why;
  Cublas* blas = Cublas::get(&why);
  std::printf("cuBLAS: %s\n", blas ? blas->path().c_str() : ("not loaded (" + why + ")").c_str());
  const Case cases[] = {
      {"fp32 weights, TF32", GemmB::F32, GemmMath::TF32, false, true, 1, 2e-3},
      {"fp16 weights", GemmB::F16, GemmMath::F16, false, true, 1, 2e-3},
      {"bf16 weights", GemmB::BF16, GemmMath::BF16, false, false, 1, 1e-2},
      {"q.k^T fp16 math, batch 3", GemmB::F32, GemmMath::F16, false, false, 3, 2e-3},
      {"p.v [K,N] fp16 math, batch 3", GemmB::F32, GemmMath::F16, true, false, 3, 2e-3},
      {"p.v [K,N] TF32, batch 2", GemmB::F32, GemmMath::TF32, true, false, 2, 2e-3},
  };
  for (GemmImpl impl : {GemmImpl::Own, GemmImpl::Cublas}) {
    if (impl == GemmImpl::Cublas && !blas) {
      std::printf("  cuBLAS cases skipped: %s\n", why.c_str());
      continue;
    }
    for (const Case& c : cases) run_case(be, c, impl);
  }
  // Banded convolution and blocked attention: a tiny scratch cap forces several bands of output
  // pixels and score blocks of one head / a few query rows (causal masking across blocks).
  CpuBackend cpu(2);
  be.set_gemm_impl(GemmImpl::Own);
  be.set_scratch_cap(4096);
  Tensor x = seeded_normal({2, 5, 11, 9}, 41), w = seeded_normal({7, 5, 3, 3}, 42), b = seeded_normal({7}, 43);
  Tensor db = be.upload(b);
  double conv_err = test::rel_l2(be.download(be.conv2d(be.upload(x), be.upload_weight(w, DType::F32), &db, 1, 1)),
                                 cpu.conv2d(x, w, &b, 1, 1));
  Tensor q = seeded_normal({2, 37, 64}, 44), k = seeded_normal({2, 37, 64}, 45), v = seeded_normal({2, 37, 64}, 46);
  double att_err = test::rel_l2(be.download(be.attention(be.upload(q), be.upload(k), be.upload(v), 2, 0.125f, true)),
                                cpu.attention(q, k, v, 2, 0.125f, true));
  std::printf("  banded conv rel L2 %.3g, blocked causal attention rel L2 %.3g (tol 3e-3)\n", conv_err, att_err);
  CHECK(conv_err <= 3e-3 && att_err <= 3e-3);
  // The fused attention kernel: ragged query and key counts (off the 64 tiles), causal, both
  // head sizes it takes; against the CPU, same 3e-3 tolerance (fp16 operands, fp32 softmax).
  be.set_scratch_cap(int64_t{1} << 30);
  be.set_flash_attention(true);
  for (auto [lq, lk, heads, dim, causal] : {std::tuple<int, int, int, int, bool>{300, 300, 2, 64, true},
                                            {150, 77, 3, 64, false}, {70, 130, 2, 128, false}, {64, 64, 1, 64, true},
                                            {1, 5, 1, 64, false}}) {
    Tensor fq = seeded_normal({2, lq, heads * dim}, 51), fk = seeded_normal({2, lk, heads * dim}, 52),
           fv = seeded_normal({2, lk, heads * dim}, 53);
    const float sc = 1.0f / std::sqrt(static_cast<float>(dim));
    double err = test::rel_l2(be.download(be.attention(be.upload(fq), be.upload(fk), be.upload(fv), heads, sc, causal)),
                              cpu.attention(fq, fk, fv, heads, sc, causal));
    std::printf("  flash attention lq %d lk %d heads %d dim %d%s: rel L2 %.3g (tol 3e-3)%s\n", lq, lk, heads, dim,
                causal ? " causal" : "", err, err <= 3e-3 ? "" : "  FAIL");
    if (!(err <= 3e-3)) ++test::failures();
  }
  be.set_flash_attention(false);
  return test::finish("test_cuda_gemm");
}
