// Caching device allocator, one per backend (one stream per job, so a block freed by one op can be
// reused by the next without synchronisation: both run in stream order). cudaMalloc/cudaFree
// synchronise the whole device, so blocks are kept and reused instead. Sizes are rounded (512 B
// steps below 1 MiB, 2 MiB steps above) so that a UNet step's repeating shapes hit the cache.
// Out of memory: the cache is emptied and the allocation retried once; then Error(OutOfMemory)
// says how much was asked, how much the device has free, and what the pool holds.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>

namespace gpuq::cuda {

class DevicePool : public std::enable_shared_from_this<DevicePool> {
 public:
  explicit DevicePool(int device) : device_(device) {}
  ~DevicePool();
  DevicePool(const DevicePool&) = delete;
  DevicePool& operator=(const DevicePool&) = delete;

  // A block of at least `bytes`, returned to the pool when the last owner goes.
  std::shared_ptr<void> alloc(size_t bytes);
  // Frees every cached (unused) block back to the driver.
  void trim();
  size_t bytes_in_use() const;
  size_t bytes_cached() const;
  // The most bytes in use at once since the pool was made or the peak was last reset (weights
  // included): a job's device memory peak, and the benchmarks'.
  size_t peak_bytes_in_use() const;
  void reset_peak();

  static size_t round_size(size_t bytes);

 private:
  void release(void* p, size_t bytes);

  int device_;
  mutable std::mutex mu_;
  std::multimap<size_t, void*> free_;  // size -> block
  size_t in_use_ = 0, cached_ = 0, peak_in_use_ = 0;
};

}  // namespace gpuq::cuda
