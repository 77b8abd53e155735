#include "util/error.h"

namespace gpuq {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidArgument: return "GPUQ_INVALID_ARGUMENT";
    case ErrorCode::NotFound: return "GPUQ_NOT_FOUND";
    case ErrorCode::BadFormat: return "GPUQ_BAD_FORMAT";
    case ErrorCode::Unsupported: return "GPUQ_UNSUPPORTED";
    case ErrorCode::Cancelled: return "GPUQ_CANCELLED";
    case ErrorCode::OutOfMemory: return "GPUQ_OUT_OF_MEMORY";
    case ErrorCode::DeviceLost: return "GPUQ_DEVICE_LOST";
    case ErrorCode::Internal: return "GPUQ_INTERNAL";
  }
  return "GPUQ_INTERNAL";
}

}  // namespace gpuq
