#include "backend/backend.h"

#include "backend/cpu/cpu_backend.h"
#include "util/error.h"

namespace gpuq {

std::shared_ptr<Backend> make_backend(const std::string& device, int threads) {
  if (device == "cpu" || device == "auto" || device.empty()) return std::make_shared<CpuBackend>(threads);
  if (device == "cuda")
    throw Error(ErrorCode::Unsupported, "GPUQ_DEVICE=cuda: this build has no CUDA backend (Engine III)");
  throw Error(ErrorCode::InvalidArgument, "unknown device \"" + device + "\" (expected auto, cpu or cuda)");
}

}  // namespace gpuq
