// Column buffer of the 3D convolution (conv3d_plan.h): rows are output pixels, columns the taps
// in weight order, so the tensor-core GEMM (gemm.cuh) multiplies it with the weight as stored
// (fp32, fp16 or bf16) and accumulates in fp32.
#pragma once

#include <cstdint>

#include <cuda_runtime.h>

#include "backend/cuda/conv3d_plan.h"

namespace gpuq::cuda {

// col [np, p.columns()] = taps of output pixels [p0, p0 + np) of one batch item x [Cin, T, H, W].
void launch_im2col3d(const float* x, float* col, const Conv3dPlan& p, int64_t p0, int64_t np, cudaStream_t s);

}  // namespace gpuq::cuda
