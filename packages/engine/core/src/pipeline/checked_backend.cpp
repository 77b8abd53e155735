#include "pipeline/checked_backend.h"

#include <cstdio>
#include <mutex>

#include "backend/cpu/cpu_backend.h"
#include "util/error.h"

namespace gpuq {

namespace {
std::mutex g_last_mutex;
std::optional<SelfCheckResult> g_last;
}  // namespace

DeviceVerdict verdict_for(const std::string& device, const SelfCheckResult& result) {
  if (result.passed) return DeviceVerdict::UseDevice;
  return device == "auto" || device.empty() ? DeviceVerdict::FallBackToCpu : DeviceVerdict::Refuse;
}

std::shared_ptr<Backend> make_checked_backend(const std::string& device, int threads, const BackendFactory& factory) {
  std::shared_ptr<Backend> candidate = factory(device, threads);
  if (candidate->device() == Device::CPU) return candidate;
  CpuBackend reference(threads);
  SelfCheckResult result = run_device_self_check(reference, *candidate);
  {
    std::lock_guard<std::mutex> lock(g_last_mutex);
    g_last = result;
  }
  switch (verdict_for(device, result)) {
    case DeviceVerdict::UseDevice:
      std::fprintf(stderr, "gpuq: %s\n", result.summary().c_str());
      return candidate;
    case DeviceVerdict::FallBackToCpu:
      std::fprintf(stderr, "gpuq: %s; GPUQ_DEVICE=auto: refusing the GPU, running on the CPU\n",
                   result.summary().c_str());
      return std::make_shared<CpuBackend>(threads);
    case DeviceVerdict::Refuse:
    default:
      throw Error(ErrorCode::Unsupported, "GPUQ_DEVICE=" + device + " refused: " + result.summary());
  }
}

std::optional<SelfCheckResult> last_device_self_check() {
  std::lock_guard<std::mutex> lock(g_last_mutex);
  return g_last;
}

}  // namespace gpuq
