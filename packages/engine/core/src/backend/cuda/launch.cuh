// Grid sizing shared by the kernel files (device code only: included by .cu files).
#pragma once

#include <algorithm>
#include <cstdint>

namespace gpuq::cuda {

constexpr int kThreads = 256;

// Enough blocks to cover n with grid-stride loops, capped so huge tensors reuse threads.
inline unsigned grid_for(int64_t n) {
  int64_t blocks = (n + kThreads - 1) / kThreads;
  return static_cast<unsigned>(std::max<int64_t>(1, std::min<int64_t>(blocks, int64_t{1} << 20)));
}

#define GPUQ_GRID_STRIDE(i, n) \
  for (int64_t i = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; i < (n); i += int64_t{gridDim.x} * blockDim.x)

}  // namespace gpuq::cuda
