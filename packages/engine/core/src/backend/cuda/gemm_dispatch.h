// Chooses who computes a matrix product: cuBLAS (loaded at run time, cublas_loader.h) or our
// tensor-core kernel (gemm.cuh). GPUQ_CUDA_GEMM=auto (default: cuBLAS when it loads), own, or
// cublas (Error(Unsupported) when it cannot load). Products cuBLAS cannot take as they are
// (two-level batch strides) and any cuBLAS failure fall back to our kernel, reported once on
// stderr, so a result is never lost to the choice.
#pragma once

#include <string>

#include "backend/cuda/cuda_pool.h"
#include "backend/cuda/gemm.cuh"

namespace gpuq::cuda {

enum class GemmImpl { Auto, Own, Cublas };

// "auto" | "own" | "cublas" (InvalidArgument otherwise); empty means auto.
GemmImpl parse_gemm_impl(const std::string& name);
const char* gemm_impl_name(GemmImpl impl);

// Runs C = alpha * A op(B) (+ bias); returns the implementation that ran (Own or Cublas).
GemmImpl run_gemm(const GemmArgs& g, GemmB b_type, GemmMath math, GemmImpl want, DevicePool& pool, cudaStream_t s);

}  // namespace gpuq::cuda
