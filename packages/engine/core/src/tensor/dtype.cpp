#include "tensor/dtype.h"

#include "util/error.h"

namespace gpuq {

size_t dtype_size(DType t) {
  switch (t) {
    case DType::F32: return 4;
    case DType::F16: return 2;
    case DType::BF16: return 2;
    case DType::I64: return 8;
    case DType::I32: return 4;
    case DType::U8: return 1;
  }
  return 0;
}

const char* dtype_name(DType t) {
  switch (t) {
    case DType::F32: return "F32";
    case DType::F16: return "F16";
    case DType::BF16: return "BF16";
    case DType::I64: return "I64";
    case DType::I32: return "I32";
    case DType::U8: return "U8";
  }
  return "?";
}

DType dtype_from_name(const std::string& name) {
  if (name == "F32") return DType::F32;
  if (name == "F16") return DType::F16;
  if (name == "BF16") return DType::BF16;
  if (name == "I64") return DType::I64;
  if (name == "I32") return DType::I32;
  if (name == "U8") return DType::U8;
  throw Error(ErrorCode::Unsupported, "unsupported tensor dtype " + name);
}

uint16_t float_to_half(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000);
  uint32_t abs = bits & 0x7FFFFFFFu;
  if (abs > 0x7F800000u) return sign | 0x7E00;  // NaN
  if (abs >= 0x477FF000u) return sign | 0x7C00;  // rounds to >= 65520: inf
  if (abs < 0x38800000u) {                       // below the smallest normal half: subnormal or 0
    if (abs < 0x33000000u) return sign;          // < 2^-25 rounds to zero
    // The half subnormal is mant * 2^-24: shift the 24-bit float mantissa right by (126 - exp)
    // and round the dropped bits to nearest even.
    const uint32_t exp = abs >> 23;
    const uint32_t mant = (abs & 0x7FFFFF) | 0x800000;
    const uint32_t shift = 126 - exp;
    uint16_t out = static_cast<uint16_t>(mant >> shift);
    const uint32_t rem = mant & ((1u << shift) - 1), halfway = 1u << (shift - 1);
    if (rem > halfway || (rem == halfway && (out & 1))) ++out;
    return sign | out;
  }
  // Normal: rebias the exponent, round the 13 dropped mantissa bits to nearest even.
  uint32_t rebased = abs - (112u << 23);
  uint32_t out = rebased >> 13;
  uint32_t rem = rebased & 0x1FFF;
  if (rem > 0x1000 || (rem == 0x1000 && (out & 1))) ++out;
  return sign | static_cast<uint16_t>(out);
}

}  // namespace gpuq
