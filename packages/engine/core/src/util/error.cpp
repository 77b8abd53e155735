#include "util/error.h"

namespace gpuq {

const char* error_code_name(ErrorCode code) {
  switch (code) {
#define GPUQ_ERROR_CODE(enumerator, name) \
  case ErrorCode::enumerator:             \
    return name;
#include "util/error_codes.inc"
#undef GPUQ_ERROR_CODE
  }
  return "GPUQ_INTERNAL";
}

}  // namespace gpuq
