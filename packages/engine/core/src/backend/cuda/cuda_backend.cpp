// CudaBackend lifecycle, memory and transfers; device discovery for make_backend.
#include "backend/cuda/cuda_backend.h"

#include <cstdlib>

#include "backend/cuda/cuda_check.h"
#include "backend/cuda/cuda_device.h"
#include "util/error.h"

namespace gpuq {

int cuda_device_count(std::string* why) {
  int n = 0;
  cudaError_t err = cudaGetDeviceCount(&n);
  if (err != cudaSuccess) {
    if (why) *why = std::string(cudaGetErrorName(err)) + ": " + cudaGetErrorString(err);
    (void)cudaGetLastError();
    return 0;
  }
  if (n == 0 && why) *why = "no CUDA device";
  return n;
}

bool cuda_device_memory(int index, size_t* free_bytes, size_t* total_bytes) {
  int current = 0;
  if (cudaGetDevice(&current) != cudaSuccess || cudaSetDevice(index) != cudaSuccess) {
    (void)cudaGetLastError();
    return false;
  }
  const bool ok = cudaMemGetInfo(free_bytes, total_bytes) == cudaSuccess;
  (void)cudaSetDevice(current);
  (void)cudaGetLastError();
  return ok;
}

std::shared_ptr<Backend> make_cuda_backend(int index) { return std::make_shared<cuda::CudaBackend>(index); }

}  // namespace gpuq

namespace gpuq::cuda {

const float* in_f32(const Tensor& t, const char* op) {
  check(t.device() == Device::CUDA, ErrorCode::InvalidArgument,
        std::string(op) + ": input " + shape_str(t.shape()) + " is not on the CUDA device (upload it first)");
  check(t.dtype() == DType::F32, ErrorCode::Internal,
        std::string(op) + ": expected an F32 activation, got " + dtype_name(t.dtype()));
  return static_cast<const float*>(t.device_ptr());
}

CudaBackend::CudaBackend(int device) : device_(device) {
  int n = cuda_device_count(nullptr);
  check(device >= 0 && device < n, ErrorCode::Unsupported,
        "CUDA device " + std::to_string(device) + " not present (" + std::to_string(n) + " found)");
  CUDA_CHECK(cudaSetDevice(device_));
  cudaDeviceProp p{};
  CUDA_CHECK(cudaGetDeviceProperties(&p, device_));
  check(p.major >= 8, ErrorCode::Unsupported,
        std::string("CUDA device ") + p.name + " has compute capability " + std::to_string(p.major) + "." +
            std::to_string(p.minor) + "; the tensor-core kernels need 8.0 or newer");
  name_ = "cuda:" + std::to_string(device_) + " (" + p.name + ", sm_" + std::to_string(p.major) +
          std::to_string(p.minor) + ", " + std::to_string(p.multiProcessorCount) + " SMs, " +
          std::to_string(p.totalGlobalMem >> 30) + " GiB)";
  CUDA_CHECK(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
  pool_ = std::make_shared<DevicePool>(device_);
  const char* impl = std::getenv("GPUQ_CUDA_GEMM");
  gemm_impl_ = parse_gemm_impl(impl ? impl : "");
  const char* att = std::getenv("GPUQ_CUDA_ATTENTION");
  const std::string att_s = att ? att : "unfused";
  check(att_s == "unfused" || att_s == "flash", ErrorCode::InvalidArgument,
        "GPUQ_CUDA_ATTENTION=" + att_s + " (expected unfused or flash)");
  flash_ = att_s == "flash";
}

CudaBackend::~CudaBackend() {
  // No throwing from a destructor; a lost device makes these fail, which is fine.
  (void)cudaSetDevice(device_);
  (void)cudaStreamSynchronize(stream_);
  (void)cudaStreamDestroy(stream_);
}

CudaBackend::Scope::Scope(CudaBackend& be, const char* name, double flops) : be_(be), name_(name), flops_(flops) {
  CUDA_CHECK(cudaSetDevice(be_.device_));
  if (!be_.profiling_) return;
  CUDA_CHECK(cudaStreamSynchronize(be_.stream_));
  start_ = std::chrono::steady_clock::now();
}

CudaBackend::Scope::~Scope() {
  if (!be_.profiling_) return;
  if (cudaStreamSynchronize(be_.stream_) != cudaSuccess) return;  // the next CUDA_CHECK reports it
  OpStat& s = be_.profile_[name_];
  ++s.calls;
  s.flops += flops_;
  s.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void CudaBackend::synchronize() {
  CUDA_CHECK(cudaSetDevice(device_));
  CUDA_CHECK(cudaStreamSynchronize(stream_));
}

Tensor CudaBackend::alloc(const Shape& shape, DType dtype) {
  size_t bytes = static_cast<size_t>(shape_numel(shape)) * dtype_size(dtype);
  std::shared_ptr<void> block = pool_->alloc(bytes);
  return Tensor::borrow(block.get(), shape, dtype, block, Device::CUDA);
}

Tensor CudaBackend::upload(const Tensor& host) {
  Scope scope_(*this, "transfer", 0);
  if (host.device() == Device::CUDA) return host;
  Tensor src = host.to_f32();
  Tensor t = alloc(src.shape());
  // Pageable source: the copy is synchronous with respect to the host buffer, so `src` may go.
  CUDA_CHECK(cudaMemcpyAsync(t.device_ptr(), src.raw(), src.nbytes(), cudaMemcpyHostToDevice, stream_));
  CUDA_CHECK(cudaStreamSynchronize(stream_));
  return t;
}

Tensor CudaBackend::upload_weight(const Tensor& host, DType storage) {
  check(storage == DType::F32 || storage == DType::F16 || storage == DType::BF16, ErrorCode::InvalidArgument,
        std::string("weight storage must be F32, F16 or BF16, got ") + dtype_name(storage));
  if (host.ndim() < 2 || storage == DType::F32) return upload(host);
  Scope scope_(*this, "transfer", 0);
  Tensor src = host.dtype() == storage ? host : host.to_dtype(storage);
  Tensor t = alloc(src.shape(), storage);
  CUDA_CHECK(cudaMemcpyAsync(t.device_ptr(), src.raw(), src.nbytes(), cudaMemcpyHostToDevice, stream_));
  CUDA_CHECK(cudaStreamSynchronize(stream_));
  return t;
}

Tensor CudaBackend::download(const Tensor& t) {
  if (t.device() == Device::CPU) return t.to_f32();
  Scope scope_(*this, "transfer", 0);
  Tensor dev = t;
  check(dev.dtype() == DType::F32 || dev.dtype() == DType::F16 || dev.dtype() == DType::BF16, ErrorCode::Internal,
        std::string("download of a ") + dtype_name(dev.dtype()) + " device tensor");
  Tensor host = Tensor::empty(dev.shape(), dev.dtype());
  CUDA_CHECK(cudaMemcpyAsync(host.raw(), dev.device_ptr(), dev.nbytes(), cudaMemcpyDeviceToHost, stream_));
  CUDA_CHECK(cudaStreamSynchronize(stream_));
  return host.to_f32();
}

}  // namespace gpuq::cuda
