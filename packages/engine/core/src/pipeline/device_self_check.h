// The start-up self-check of a device backend: before a worker hands jobs to a GPU it runs the
// same arithmetic there and on the CPU and compares. First every backend op on small seeded inputs
// (device_op_probes.cpp, in a fixed order, so a failure names the op), then one step of the
// embedded tiny SDXL UNet (random weights, stored bf16 on both sides), comparing the output and
// every traced intermediate. A CUDA error is a failure like a wrong value, named by where it
// happened. Stated tolerances (bf16 weights, fp16 attention operands, fp32 accumulation): op
// rel. L2 error <= 1e-2 (test_cuda_ops allows bf16 products the same); each UNet step tensor
// max(2e-2, twice the error the CPU gets from rounding the operands as the GPU does): the random
// tiny UNet amplifies that rounding to ~15 % at its deepest tensors, so no fixed bound fits.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "backend/backend.h"

namespace gpuq {

struct SelfCheckTolerance {
  double op_rel_l2 = 1e-2;
  double step_rel_l2 = 2e-2;
};

struct SelfCheckResult {
  bool passed = false;
  std::string backend;     // the candidate's name
  std::string failed_at;   // the op or tensor that differed or threw; empty when passed
  std::string detail;      // "rel L2 0.1 > 0.01" or the error's message
  int ops_checked = 0;     // probes that matched
  int tensors_checked = 0; // UNet step tensors that matched
  double seconds = 0;
  // One line for the worker's log.
  std::string summary() const;
};

// One op probe: runs an op on inputs it builds and uploads to the given backend.
struct OpProbe {
  std::string name;
  std::function<Tensor(Backend&)> run;
};
// Every op of the Backend interface at a small shape (device_op_probes.cpp).
std::vector<OpProbe> backend_op_probes();

// Relative L2 error of `got` against `want` (both host fp32); infinite on a shape mismatch or NaN.
double rel_l2_error(const Tensor& got, const Tensor& want);

// Compares `candidate` with `reference` (the CPU backend); never throws for the candidate's
// errors (they become the result), only for the reference's.
SelfCheckResult run_device_self_check(Backend& reference, Backend& candidate, const SelfCheckTolerance& tol = {});

}  // namespace gpuq
