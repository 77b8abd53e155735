// Element types of stored tensors and their conversion to the fp32 the CPU backend computes in.
// fp16/bf16 appear only as storage (checkpoint weights); compute is always fp32 on CPU.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

namespace gpuq {

enum class DType { F32, F16, BF16, I64, I32, U8 };

size_t dtype_size(DType t);
// safetensors spelling: "F32", "F16", "BF16", "I64", "I32", "U8".
const char* dtype_name(DType t);
// Throws Error(Unsupported) for a dtype the engine does not read (e.g. F8_E4M3).
DType dtype_from_name(const std::string& name);

// IEEE binary16 -> binary32, exact (every half is a float), subnormals and inf/NaN included.
inline float half_to_float(uint16_t h) {
  uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
  uint32_t exp = (h >> 10) & 0x1F;
  uint32_t mant = h & 0x3FF;
  uint32_t bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else {  // subnormal: renormalise
      int e = -1;
      do {
        ++e;
        mant <<= 1;
      } while ((mant & 0x400) == 0);
      bits = sign | static_cast<uint32_t>(127 - 15 - e) << 23 | (mant & 0x3FF) << 13;
    }
  } else if (exp == 31) {
    bits = sign | 0x7F800000u | (mant << 13);
  } else {
    bits = sign | (exp + 127 - 15) << 23 | (mant << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

// binary32 -> binary16 with round-to-nearest-even, overflow to inf, NaN kept quiet.
uint16_t float_to_half(float f);

inline float bf16_to_float(uint16_t b) {
  uint32_t bits = static_cast<uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

// Round-to-nearest-even, as PyTorch's .to(torch.bfloat16) does.
inline uint16_t float_to_bf16(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  if ((bits & 0x7FFFFFFFu) > 0x7F800000u) return static_cast<uint16_t>((bits >> 16) | 0x40);  // NaN
  uint32_t rounding = 0x7FFF + ((bits >> 16) & 1);
  return static_cast<uint16_t>((bits + rounding) >> 16);
}

}  // namespace gpuq
