// Block-wide sum for the norm and softmax kernels (device code only). Every thread gets the
// total; `scratch` holds one float per warp. Blocks are a multiple of 32 threads.
#pragma once

namespace gpuq::cuda {

__device__ __forceinline__ float warp_sum(float v) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}

__device__ __forceinline__ float warp_max(float v) {
  for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
  return v;
}

// `scratch` must hold blockDim.x / 32 floats; the trailing barrier lets callers reuse it at once.
template <bool Max>
__device__ __forceinline__ float block_reduce(float v, float* scratch) {
  int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
  v = Max ? warp_max(v) : warp_sum(v);
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  float r = lane < warps ? scratch[lane] : (Max ? -INFINITY : 0.0f);
  r = Max ? warp_max(r) : warp_sum(r);
  __syncthreads();
  return r;
}

}  // namespace gpuq::cuda
