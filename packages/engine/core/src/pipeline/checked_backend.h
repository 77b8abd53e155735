// Backend selection with the start-up self-check (device_self_check.h): a device backend is used
// only after it matched the CPU. On a mismatch or a device error, GPUQ_DEVICE=auto falls back to
// the CPU with one stderr line naming what differed; an explicit cuda / cuda:N refuses to start
// (Error(Unsupported) with the same text), since the operator asked for that GPU and a silent
// CPU run would be hours per video.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "backend/backend.h"
#include "pipeline/device_self_check.h"

namespace gpuq {

enum class DeviceVerdict { UseDevice, FallBackToCpu, Refuse };

// What a self-check result means for the GPUQ_DEVICE setting that picked the device.
DeviceVerdict verdict_for(const std::string& device, const SelfCheckResult& result);

using BackendFactory = std::function<std::shared_ptr<Backend>(const std::string& device, int threads)>;

// make_backend (or `factory`), then the self-check when the backend is not the CPU's.
std::shared_ptr<Backend> make_checked_backend(const std::string& device, int threads,
                                              const BackendFactory& factory = make_backend);

// The latest self-check this process ran (none when every backend so far was the CPU's).
std::optional<SelfCheckResult> last_device_self_check();

}  // namespace gpuq
