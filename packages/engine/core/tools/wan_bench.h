// The WAN step benchmark (wan_bench.cpp), shared by gpuq_bench --wan and gpuq_cuda_bench --wan.
#pragma once

#include <cstdint>
#include <functional>

#include "backend/backend.h"

namespace gpuq {

// Peak device bytes the backend held during the run (0: not known, e.g. the CPU).
using PeakBytes = std::function<int64_t(Backend&)>;

// argv[1] is "--wan"; options from argv[2]. Returns the exit code.
int run_wan_bench(int argc, char** argv, const PeakBytes& peak_bytes = nullptr);

}  // namespace gpuq
