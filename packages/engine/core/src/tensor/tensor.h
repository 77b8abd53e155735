// A dense, contiguous, row-major tensor with shared storage.
// Storage is either owned (allocated here) or borrowed from a memory-mapped file, in which case
// the mapping is kept alive by the storage's owner pointer. The device tag leaves room for the
// CUDA backend: CPU code asserts `device() == Device::CPU` before touching data().
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tensor/dtype.h"

namespace gpuq {

enum class Device { CPU, CUDA };

using Shape = std::vector<int64_t>;

std::string shape_str(const Shape& s);
int64_t shape_numel(const Shape& s);

struct Storage {
  void* data = nullptr;
  size_t bytes = 0;
  Device device = Device::CPU;
  std::shared_ptr<void> owner;  // frees the memory (or unmaps the file) when the last user goes
};

class Tensor {
 public:
  Tensor() = default;

  // Uninitialised CPU tensor. Throws Error(OutOfMemory) if the allocation fails.
  static Tensor empty(const Shape& shape, DType dtype = DType::F32);
  static Tensor zeros(const Shape& shape, DType dtype = DType::F32);
  static Tensor full(const Shape& shape, float value);
  static Tensor from_vector(const Shape& shape, const std::vector<float>& values);
  // Borrowed memory; `owner` keeps it alive (a file mapping, or a CUDA pool block when `device`
  // is CUDA: only a backend of that device reads it).
  static Tensor borrow(void* data, const Shape& shape, DType dtype, std::shared_ptr<void> owner,
                       Device device = Device::CPU);

  bool defined() const { return storage_ != nullptr; }
  const Shape& shape() const { return shape_; }
  int64_t dim(int i) const;  // negative i counts from the end
  int ndim() const { return static_cast<int>(shape_.size()); }
  int64_t numel() const { return shape_numel(shape_); }
  DType dtype() const { return dtype_; }
  Device device() const { return storage_ ? storage_->device : Device::CPU; }
  size_t nbytes() const { return static_cast<size_t>(numel()) * dtype_size(dtype_); }

  // Host address of the data; throws Error(Internal) for a CUDA tensor, so host code that
  // forgot a download fails with a message instead of a segfault.
  void* raw() const;
  // Address on the tensor's own device (what a backend passes to its kernels).
  void* device_ptr() const;
  // Typed access; throws Error(Internal) when the dtype does not match.
  float* f32() const;
  int64_t* i64() const;
  uint8_t* u8() const;

  // Views sharing storage.
  Tensor reshape(const Shape& shape) const;
  // Rows [start, start+count) of dim 0, as a view (contiguity makes this free).
  Tensor slice0(int64_t start, int64_t count) const;

  Tensor clone() const;
  // fp32 copy of any float dtype (a view when already fp32 unless `copy`); integers are cast.
  Tensor to_f32(bool copy = false) const;
  Tensor to_dtype(DType target) const;

  std::vector<float> to_vector() const;
  float item() const;  // single-element tensor as float

 private:
  Shape shape_;
  DType dtype_ = DType::F32;
  std::shared_ptr<Storage> storage_;
  size_t offset_ = 0;  // bytes into storage
};

}  // namespace gpuq
