// gpuq_replay <fixture-dir> <out-dir>: the replay as a standalone executable (the GPU machines
// have no Node.js). Prints the worst error per tensor; exit 0 when all match, 1 on any miss,
// 2 on a usage or load error.
#include <cstdio>

#include "backend/cpu/blas_tuning.h"
#include <cstdlib>

#include "replay/replay.h"
#include "util/error.h"
#include "util/thread_pool.h"

int main(int argc, char** argv) {
  gpuq::tune_blas_or_reexec(argv);
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <fixture-dir> <out-dir>\n", argv[0]);
    return 2;
  }
  try {
    const char* device = std::getenv("GPUQ_DEVICE");
    auto report = gpuq::replay_fixture(argv[1], argv[2], gpuq::make_backend(device ? device : "auto",
                                                                            gpuq::default_thread_count()));
    std::fputs(report.format().c_str(), stdout);
    return report.ok() ? 0 : 1;
  } catch (const gpuq::Error& e) {
    std::fprintf(stderr, "replay failed [%s]: %s\n", e.code_name(), e.what());
    return 2;
  }
}
