#include "backend/cuda/cuda_pool.h"

#include <algorithm>
#include <string>

#include "backend/cuda/cuda_check.h"
#include "util/error.h"

namespace gpuq::cuda {

namespace {
std::string mib(size_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }
}  // namespace

size_t DevicePool::round_size(size_t bytes) {
  const size_t small = 512, large = size_t{2} << 20;
  if (bytes == 0) bytes = 1;
  size_t step = bytes < (size_t{1} << 20) ? small : large;
  return (bytes + step - 1) / step * step;
}

DevicePool::~DevicePool() { trim(); }

std::shared_ptr<void> DevicePool::alloc(size_t bytes) {
  size_t size = round_size(bytes);
  void* p = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // Best fit, but never hand out a block more than a quarter larger than asked (it would pin
    // memory a later, larger request needs).
    auto it = free_.lower_bound(size);
    if (it != free_.end() && it->first <= size + size / 4) {
      size = it->first;
      p = it->second;
      free_.erase(it);
      cached_ -= size;
    }
  }
  if (!p) {
    CUDA_CHECK(cudaSetDevice(device_));
    cudaError_t err = cudaMalloc(&p, size);
    if (err == cudaErrorMemoryAllocation) {
      (void)cudaGetLastError();
      trim();
      err = cudaMalloc(&p, size);
    }
    if (err == cudaErrorMemoryAllocation) {
      (void)cudaGetLastError();
      size_t free_b = 0, total_b = 0;
      (void)cudaMemGetInfo(&free_b, &total_b);
      throw Error(ErrorCode::OutOfMemory, "CUDA out of memory on device " + std::to_string(device_) +
                                              ": asked for " + mib(size) + " (" + std::to_string(bytes) +
                                              " bytes), " + mib(free_b) + " free of " + mib(total_b) +
                                              "; this job's pool holds " + mib(bytes_in_use()) + " in use");
    }
    CUDA_CHECK(err);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    in_use_ += size;
    peak_in_use_ = std::max(peak_in_use_, in_use_);
  }
  // The deleter keeps the pool alive until the last tensor is gone.
  auto self = shared_from_this();
  return std::shared_ptr<void>(p, [self, size](void* q) { self->release(q, size); });
}

void DevicePool::release(void* p, size_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  in_use_ -= bytes;
  cached_ += bytes;
  free_.emplace(bytes, p);
}

void DevicePool::trim() {
  std::multimap<size_t, void*> blocks;
  {
    std::lock_guard<std::mutex> lock(mu_);
    blocks.swap(free_);
    cached_ = 0;
  }
  // Errors are ignored here: trim runs in destructors and on the out-of-memory path.
  for (auto& [size, p] : blocks) (void)cudaFree(p);
}

size_t DevicePool::bytes_in_use() const {
  std::lock_guard<std::mutex> lock(mu_);
  return in_use_;
}

size_t DevicePool::peak_bytes_in_use() const {
  std::lock_guard<std::mutex> lock(mu_);
  return peak_in_use_;
}

size_t DevicePool::bytes_cached() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cached_;
}

void DevicePool::reset_peak() {
  std::lock_guard<std::mutex> lock(mu_);
  peak_in_use_ = in_use_;
}

}  // namespace gpuq::cuda
