// Debian's OpenBLAS 0.3.21 (DYNAMIC_ARCH) does not know AMD Zen 4 and falls back to its Haswell
// (AVX2) kernels, about 1.5-2x slower than its AVX-512 SkylakeX kernels on such CPUs. OpenBLAS
// reads OPENBLAS_CORETYPE only when it is loaded, so executables call this first thing in main():
// on an AVX-512 CPU without OPENBLAS_CORETYPE set, it sets it to SkylakeX and re-executes the
// program. (The Node addon gets the same variable from the TS loader before dlopen.)
#pragma once

namespace gpuq {

void tune_blas_or_reexec(char** argv);

}  // namespace gpuq
