#include "backend/cuda/cuda_check.h"

#include <string>

#include "util/error.h"

namespace gpuq::cuda {

bool is_sticky(cudaError_t err) {
  switch (err) {
    case cudaErrorIllegalAddress:
    case cudaErrorLaunchFailure:
    case cudaErrorHardwareStackError:
    case cudaErrorIllegalInstruction:
    case cudaErrorMisalignedAddress:
    case cudaErrorInvalidAddressSpace:
    case cudaErrorInvalidPc:
    case cudaErrorECCUncorrectable:
    case cudaErrorAssert:
    case cudaErrorLaunchTimeout:
    case cudaErrorDevicesUnavailable:
      return true;
    default:
      return false;
  }
}

void throw_cuda_error(cudaError_t err, const char* stmt, const char* file, int line) {
  std::string where = std::string(stmt) + " at " + file + ":" + std::to_string(line);
  std::string what = std::string(cudaGetErrorName(err)) + " (" + cudaGetErrorString(err) + ")";
  if (err == cudaErrorMemoryAllocation) {
    (void)cudaGetLastError();  // not sticky: clear it so the next job starts clean
    throw Error(ErrorCode::OutOfMemory, "CUDA out of memory: " + where);
  }
  if (is_sticky(err)) throw Error(ErrorCode::DeviceLost, "CUDA device lost: " + what + " in " + where);
  (void)cudaGetLastError();
  throw Error(ErrorCode::Internal, "CUDA error " + what + " in " + where);
}

}  // namespace gpuq::cuda
