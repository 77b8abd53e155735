#include "tensor/tensor.h"

#include "tensor/block_cache.h"

#include <cstdlib>
#include <cstring>
#include <new>

#include "util/error.h"

namespace gpuq {

std::string shape_str(const Shape& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) {
    if (i) out += ", ";
    out += std::to_string(s[i]);
  }
  return out + "]";
}

int64_t shape_numel(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

Tensor Tensor::empty(const Shape& shape, DType dtype) {
  for (int64_t d : shape) check(d >= 0, ErrorCode::InvalidArgument, "negative dimension in " + shape_str(shape));
  Tensor t;
  t.shape_ = shape;
  t.dtype_ = dtype;
  size_t bytes = static_cast<size_t>(shape_numel(shape)) * dtype_size(dtype);
  // 64-byte alignment (whole cache lines, AVX-512 loads); large blocks are recycled.
  void* p = bytes ? cached_alloc(bytes) : nullptr;
  if (bytes && !p)
    throw Error(ErrorCode::OutOfMemory, "cannot allocate " + std::to_string(bytes) + " bytes for tensor " +
                                            shape_str(shape));
  auto storage = std::make_shared<Storage>();
  storage->data = p;
  storage->bytes = bytes;
  storage->owner = std::shared_ptr<void>(p, [bytes](void* q) { cached_free(q, bytes); });
  t.storage_ = std::move(storage);
  return t;
}

Tensor Tensor::zeros(const Shape& shape, DType dtype) {
  Tensor t = empty(shape, dtype);
  if (t.nbytes()) std::memset(t.raw(), 0, t.nbytes());
  return t;
}

Tensor Tensor::full(const Shape& shape, float value) {
  Tensor t = empty(shape);
  float* p = t.f32();
  for (int64_t i = 0; i < t.numel(); ++i) p[i] = value;
  return t;
}

Tensor Tensor::from_vector(const Shape& shape, const std::vector<float>& values) {
  check(shape_numel(shape) == static_cast<int64_t>(values.size()), ErrorCode::InvalidArgument,
        "from_vector: " + std::to_string(values.size()) + " values for shape " + shape_str(shape));
  Tensor t = empty(shape);
  if (!values.empty()) std::memcpy(t.raw(), values.data(), values.size() * 4);
  return t;
}

Tensor Tensor::borrow(void* data, const Shape& shape, DType dtype, std::shared_ptr<void> owner, Device device) {
  Tensor t;
  t.shape_ = shape;
  t.dtype_ = dtype;
  auto storage = std::make_shared<Storage>();
  storage->data = data;
  storage->bytes = static_cast<size_t>(shape_numel(shape)) * dtype_size(dtype);
  storage->owner = std::move(owner);
  storage->device = device;
  t.storage_ = std::move(storage);
  return t;
}

int64_t Tensor::dim(int i) const {
  int n = ndim();
  int j = i < 0 ? n + i : i;
  check(j >= 0 && j < n, ErrorCode::Internal, "dim " + std::to_string(i) + " of shape " + shape_str(shape_));
  return shape_[j];
}

void* Tensor::raw() const {
  check(device() == Device::CPU, ErrorCode::Internal, "host access to a CUDA tensor of shape " + shape_str(shape_));
  return device_ptr();
}

void* Tensor::device_ptr() const {
  check(defined(), ErrorCode::Internal, "use of an undefined tensor");
  return static_cast<char*>(storage_->data) + offset_;
}

float* Tensor::f32() const {
  check(dtype_ == DType::F32, ErrorCode::Internal, std::string("expected F32 tensor, got ") + dtype_name(dtype_));
  return static_cast<float*>(raw());
}
int64_t* Tensor::i64() const {
  check(dtype_ == DType::I64, ErrorCode::Internal, std::string("expected I64 tensor, got ") + dtype_name(dtype_));
  return static_cast<int64_t*>(raw());
}
uint8_t* Tensor::u8() const {
  check(dtype_ == DType::U8, ErrorCode::Internal, std::string("expected U8 tensor, got ") + dtype_name(dtype_));
  return static_cast<uint8_t*>(raw());
}

Tensor Tensor::reshape(const Shape& shape) const {
  check(shape_numel(shape) == numel(), ErrorCode::Internal,
        "reshape " + shape_str(shape_) + " to " + shape_str(shape));
  Tensor t = *this;
  t.shape_ = shape;
  return t;
}

Tensor Tensor::slice0(int64_t start, int64_t count) const {
  check(ndim() >= 1 && start >= 0 && count >= 0 && start + count <= shape_[0], ErrorCode::Internal,
        "slice0 out of range on " + shape_str(shape_));
  Tensor t = *this;
  t.shape_[0] = count;
  t.offset_ += static_cast<size_t>(start * (numel() / (shape_[0] ? shape_[0] : 1))) * dtype_size(dtype_);
  return t;
}

Tensor Tensor::clone() const {
  Tensor t = empty(shape_, dtype_);
  if (nbytes()) std::memcpy(t.raw(), raw(), nbytes());
  return t;
}

Tensor Tensor::to_f32(bool copy) const {
  if (dtype_ == DType::F32) return copy ? clone() : *this;
  Tensor t = empty(shape_, DType::F32);
  float* out = t.f32();
  int64_t n = numel();
  const void* in = raw();
  switch (dtype_) {
    case DType::F16:
      for (int64_t i = 0; i < n; ++i) out[i] = half_to_float(static_cast<const uint16_t*>(in)[i]);
      break;
    case DType::BF16:
      for (int64_t i = 0; i < n; ++i) out[i] = bf16_to_float(static_cast<const uint16_t*>(in)[i]);
      break;
    case DType::I64:
      for (int64_t i = 0; i < n; ++i) out[i] = static_cast<float>(static_cast<const int64_t*>(in)[i]);
      break;
    case DType::I32:
      for (int64_t i = 0; i < n; ++i) out[i] = static_cast<float>(static_cast<const int32_t*>(in)[i]);
      break;
    case DType::U8:
      for (int64_t i = 0; i < n; ++i) out[i] = static_cast<float>(static_cast<const uint8_t*>(in)[i]);
      break;
    case DType::F32: break;
  }
  return t;
}

Tensor Tensor::to_dtype(DType target) const {
  if (target == dtype_) return *this;
  if (target == DType::F32) return to_f32();
  Tensor src = to_f32();
  Tensor t = empty(shape_, target);
  const float* in = src.f32();
  int64_t n = numel();
  for (int64_t i = 0; i < n; ++i) {
    switch (target) {
      case DType::F16: static_cast<uint16_t*>(t.raw())[i] = float_to_half(in[i]); break;
      case DType::BF16: static_cast<uint16_t*>(t.raw())[i] = float_to_bf16(in[i]); break;
      case DType::I64: static_cast<int64_t*>(t.raw())[i] = static_cast<int64_t>(in[i]); break;
      case DType::I32: static_cast<int32_t*>(t.raw())[i] = static_cast<int32_t>(in[i]); break;
      case DType::U8: static_cast<uint8_t*>(t.raw())[i] = static_cast<uint8_t>(in[i]); break;
      case DType::F32: break;
    }
  }
  return t;
}

std::vector<float> Tensor::to_vector() const {
  Tensor f = to_f32();
  return std::vector<float>(f.f32(), f.f32() + f.numel());
}

float Tensor::item() const {
  check(numel() == 1, ErrorCode::InvalidArgument, "item() on tensor of shape " + shape_str(shape_));
  return to_vector()[0];
}

}  // namespace gpuq
