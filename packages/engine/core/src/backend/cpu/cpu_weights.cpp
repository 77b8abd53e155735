// Weight storage on the CPU: fp32 in place, or fp16 / bf16 widened per call. Widening runs on
// the pool and vectorises (F16C on x86 when the compiler targets it).
#include <cstring>

#include "backend/cpu/cpu_backend.h"
#include "util/error.h"

#if defined(__F16C__)
#include <immintrin.h>
#endif

namespace gpuq {

Tensor CpuBackend::upload_weight(const Tensor& host, DType storage) {
  check(storage == DType::F32 || storage == DType::F16 || storage == DType::BF16, ErrorCode::InvalidArgument,
        std::string("weight storage must be F32, F16 or BF16, got ") + dtype_name(storage));
  if (storage == DType::F32) return host.to_f32();
  // Half storage: vectors are copied too, so no tensor keeps an fp32 file's mapping alive (its
  // pages, all touched by the conversion, would otherwise stay resident beside the half copies).
  if (host.ndim() < 2) return host.to_f32(/*copy=*/true);
  return host.to_dtype(storage);
}

const float* CpuBackend::f32_weights(const Tensor& w) {
  if (w.dtype() == DType::F32) return w.f32();
  check(w.dtype() == DType::F16 || w.dtype() == DType::BF16, ErrorCode::Internal,
        std::string("matrix weights stored as ") + dtype_name(w.dtype()));
  const int64_t n = w.numel();
  if (static_cast<int64_t>(weight_scratch_.size()) < n) weight_scratch_.resize(static_cast<size_t>(n));
  const uint16_t* src = static_cast<const uint16_t*>(w.raw());
  float* dst = weight_scratch_.data();
  const bool bf16 = w.dtype() == DType::BF16;
  pool_->parallel_for(
      n,
      [&](int64_t i0, int64_t i1) {
        int64_t i = i0;
        if (bf16) {
          for (; i < i1; ++i) {
            const uint32_t bits = static_cast<uint32_t>(src[i]) << 16;
            std::memcpy(dst + i, &bits, 4);
          }
          return;
        }
#if defined(__F16C__)
        for (; i + 8 <= i1; i += 8)
          _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i))));
#endif
        for (; i < i1; ++i) dst[i] = half_to_float(src[i]);
      },
      1 << 16);
  return dst;
}

}  // namespace gpuq
