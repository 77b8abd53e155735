// CUDA-internal behaviour (built only with the CUDA backend): the pool reuses freed blocks, an
// impossible allocation is Error(OutOfMemory) saying how much was asked and how much is free
// and leaves the backend usable, and the error mapping of CUDA_CHECK (sticky errors are
// DeviceLost, the worker's "hand the job back and exit"). Skips (77) without a device.
#include <cstdio>
#include <string>

#include "backend/cuda/cuda_backend.h"
#include "backend/cuda/cuda_check.h"
#include "../cuda_test_util.h"
#include "../test_util.h"

using namespace gpuq;

int main() {
  // Pure host logic first: it runs even on machines without a GPU.
  CHECK(cuda::DevicePool::round_size(1) == 512);
  CHECK(cuda::DevicePool::round_size(513) == 1024);
  CHECK(cuda::DevicePool::round_size((size_t{1} << 20) + 1) == (size_t{2} << 20));
  CHECK(cuda::is_sticky(cudaErrorIllegalAddress) && !cuda::is_sticky(cudaErrorInvalidValue));
  auto code_of = [](cudaError_t e) {
    try {
      CUDA_CHECK(e);
    } catch (const Error& err) {
      std::printf("  %s\n", err.what());
      return err.code();
    }
    return ErrorCode::Internal;
  };
  CHECK(code_of(cudaErrorIllegalAddress) == ErrorCode::DeviceLost);
  CHECK(code_of(cudaErrorMemoryAllocation) == ErrorCode::OutOfMemory);
  CHECK(code_of(cudaErrorInvalidValue) == ErrorCode::Internal);
  if (test::failures()) return test::finish("test_cuda_pool");

  auto be = test::cuda_or_skip("test_cuda_pool (device part)");
  auto& cuda = static_cast<cuda::CudaBackend&>(*be);
  void* first = nullptr;
  {
    Tensor t = cuda.alloc({1000, 1000});
    first = t.device_ptr();
    CHECK(cuda.pool().bytes_in_use() >= 4000000);
  }
  CHECK(cuda.pool().bytes_in_use() == 0 && cuda.pool().bytes_cached() >= 4000000);
  // The peak outlives the block; a reset brings it down to what is in use now.
  CHECK(cuda.peak_device_bytes() >= 4000000);
  cuda.reset_peak_device_bytes();
  CHECK(cuda.peak_device_bytes() == 0);
  Tensor again = cuda.alloc({999, 1001});  // same rounded size: the cached block comes back
  CHECK(again.device_ptr() == first);
  bool oom = false;
  try {
    cuda.alloc({int64_t{1} << 40});  // 4 TiB
  } catch (const Error& e) {
    std::printf("  %s\n", e.what());
    const std::string msg = e.what();
    oom = e.code() == ErrorCode::OutOfMemory && msg.find("asked for") != std::string::npos &&
          msg.find("free of") != std::string::npos;
  }
  CHECK(oom);
  // Still usable after the failed allocation.
  Tensor x = be->upload(Tensor::full({4, 4}, 2.0f));
  CHECK(be->download(be->add(x, x)).f32()[15] == 4.0f);
  return test::finish("test_cuda_pool");
}
