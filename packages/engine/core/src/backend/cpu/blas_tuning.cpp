#include "backend/cpu/blas_tuning.h"

#include <unistd.h>

#include <cstdlib>

namespace gpuq {

void tune_blas_or_reexec(char** argv) {
#if defined(GPUQ_WITH_OPENBLAS) && defined(__x86_64__)
  if (std::getenv("OPENBLAS_CORETYPE") || std::getenv("GPUQ_NO_BLAS_TUNING")) return;
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512bw")) return;
  setenv("OPENBLAS_CORETYPE", "SkylakeX", 1);
  execv("/proc/self/exe", argv);  // returns only on failure: then run on with the default kernels
#else
  (void)argv;
#endif
}

}  // namespace gpuq
