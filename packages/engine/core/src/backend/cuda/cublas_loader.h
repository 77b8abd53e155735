// cuBLAS loaded at run time with dlopen, where it is installed (the GPU machines have it inside
// PyTorch's nvidia-cublas package; the build machines have no cuBLAS headers or libraries, so
// nothing links against it). Only the few entry points the GEMM needs are declared here, with
// the ABI values of cublas_api.h (stable since CUDA 11). When it is absent, or
// GPUQ_CUBLAS=off, the backend uses its own tensor-core kernel (gemm.cu).
// Lookup order: GPUQ_CUBLAS (a path to libcublas.so.*, or "off"), then libcublas.so.13/.12 on
// the loader path.
#pragma once

#include <string>

#include <cuda_runtime.h>

namespace gpuq::cuda {

// cudaDataType values (library_types.h, shipped with the runtime headers) and cuBLAS's own enums.
enum class BlasOp : int { N = 0, T = 1 };
enum class BlasCompute : int { F32 = 68, F32FastF16 = 74, F32FastBF16 = 75, F32FastTF32 = 77 };

class Cublas {
 public:
  // The process-wide library, or nullptr when it cannot be loaded (`why` says why).
  static Cublas* get(std::string* why = nullptr);

  // Column-major C = alpha * op(A) op(B) + beta * C, strided-batched; returns the cuBLAS status
  // (0 = success). One handle per stream is kept.
  int gemm(cudaStream_t stream, BlasOp ta, BlasOp tb, int m, int n, int k, float alpha, const void* a,
           cudaDataType at, int lda, long long sa, const void* b, cudaDataType bt, int ldb, long long sb, float beta,
           void* c, cudaDataType ct, int ldc, long long sc, int batch, BlasCompute compute);
  const std::string& path() const { return path_; }

 private:
  Cublas() = default;
  bool load(std::string* why);

  std::string path_;
  void* lib_ = nullptr;
  void* handle_ = nullptr;  // cublasHandle_t
  cudaStream_t bound_ = nullptr;
  int (*create_)(void**) = nullptr;
  int (*set_stream_)(void*, cudaStream_t) = nullptr;
  int (*gemm_batched_)(void*, int, int, int, int, int, const void*, const void*, int, int, long long, const void*,
                       int, int, long long, const void*, void*, int, int, long long, int, int, int) = nullptr;
};

}  // namespace gpuq::cuda
