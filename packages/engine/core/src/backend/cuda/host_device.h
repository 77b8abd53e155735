// GPUQ_HD marks index maths that runs both in kernels and in plain C++ (the launch plans'
// unit tests run the same functions on the CPU, where nvcc is absent or no device exists).
#pragma once

#ifdef __CUDACC__
#define GPUQ_HD __host__ __device__ __forceinline__
#else
#define GPUQ_HD inline
#endif
