// CUDA_CHECK: every runtime call goes through it, so a failure names the statement, file and line,
// and maps to the engine's error codes: GPUQ_OUT_OF_MEMORY for allocation failures,
// GPUQ_DEVICE_LOST for sticky errors (illegal address, ECC, launch failure: the context is dead,
// the worker hands the job back and exits), GPUQ_INTERNAL otherwise.
#pragma once

#include <cuda_runtime.h>

namespace gpuq::cuda {

[[noreturn]] void throw_cuda_error(cudaError_t err, const char* stmt, const char* file, int line);
// True for errors after which the CUDA context cannot be used again.
bool is_sticky(cudaError_t err);

}  // namespace gpuq::cuda

#define CUDA_CHECK(stmt)                                                        \
  do {                                                                          \
    cudaError_t gpuq_err_ = (stmt);                                             \
    if (gpuq_err_ != cudaSuccess)                                               \
      ::gpuq::cuda::throw_cuda_error(gpuq_err_, #stmt, __FILE__, __LINE__);     \
  } while (0)

// After a kernel launch: configuration errors show at once, execution errors at the next sync.
#define CUDA_CHECK_LAUNCH() CUDA_CHECK(cudaGetLastError())
