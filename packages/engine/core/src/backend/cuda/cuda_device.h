// The CUDA backend's entry points for backend.cpp, free of CUDA headers so that the core compiles
// the same way with or without the CUDA toolkit (only defined when GPUQ_WITH_CUDA is set).
#pragma once

#include <cstddef>
#include <memory>
#include <string>

namespace gpuq {

class Backend;

// Number of usable CUDA devices; 0 with `why` set when there is no driver or no device.
int cuda_device_count(std::string* why);
// Free and total bytes of device `index` (cudaMemGetInfo); false when they cannot be read.
bool cuda_device_memory(int index, size_t* free_bytes, size_t* total_bytes);
// A CUDA backend on device `index` with its own stream and memory pool.
// Throws Error(Unsupported) when the device does not exist.
std::shared_ptr<Backend> make_cuda_backend(int index);

}  // namespace gpuq
