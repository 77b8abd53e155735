// The self-check's order: op probes first (a failure names the op), then the tiny UNet step with
// its traced intermediates and output (a failure names the tensor; compared in name order, the
// trace keeps no other), each allowed max(step tolerance, 2 x the error that the GPU's operand
// rounding alone gives it, measured on the CPU by operand_rounding_backend.h). Stops at the first failure: after a CUDA fault the context may be
// unusable, and the first difference is the one worth reading.
#include "pipeline/device_self_check.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "models/param_specs.h"
#include "models/unet.h"
#include "pipeline/operand_rounding_backend.h"
#include "pipeline/sdxl.h"
#include "pipeline/tiny_checkpoint.h"
#include "util/thread_pool.h"
#include "util/error.h"

namespace gpuq {

namespace {

std::string over(double err, double tol) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "rel L2 %.3g > %.3g", err, tol);
  return buf;
}

// The embedded tiny UNet at batch 2, 16x24 latents (what test_unet_batch runs), on one backend.
struct TinyStep {
  Tensor output;
  Trace trace;
};

TinyStep run_tiny_step(Backend& be) {
  json::Value cfg = json::parse(tiny_unet_config_json());
  UNetConfig ucfg = UNetConfig::from_json(cfg);
  UNet unet(Weights::from_tensors(random_weights(unet_param_specs(ucfg, 80), 18), cfg, be, DType::BF16), be);
  UNetInputs in;
  in.sample = be.upload(seeded_normal({2, 4, 16, 24}, 1));
  in.encoder_hidden_states = be.upload(seeded_normal({2, 77, 64}, 2));
  in.text_embeds = be.upload(seeded_normal({2, 32}, 3));
  in.time_ids = be.upload(Tensor::from_vector({2, 6}, {1024, 1024, 0, 0, 1024, 1024, 512, 768, 16, 32, 1024, 1024}));
  in.timesteps = {999.0f, 1.0f};
  TinyStep s;
  s.output = unet.forward(in, &s.trace);
  return s;
}

}  // namespace

double rel_l2_error(const Tensor& got, const Tensor& want) {
  if (got.shape() != want.shape()) return INFINITY;
  double num = 0, den = 0;
  for (int64_t i = 0; i < got.numel(); ++i) {
    const double d = double(got.f32()[i]) - want.f32()[i];
    if (std::isnan(d)) return INFINITY;
    num += d * d;
    den += double(want.f32()[i]) * want.f32()[i];
  }
  return std::sqrt(num / std::max(den, 1e-300));
}

std::string SelfCheckResult::summary() const {
  char head[160];
  std::snprintf(head, sizeof head, "device self-check on %s: %s (%d ops, %d UNet tensors, %.2f s)", backend.c_str(),
                passed ? "passed" : "FAILED", ops_checked, tensors_checked, seconds);
  return passed ? std::string(head) : std::string(head) + ": " + failed_at + " differed from the CPU: " + detail;
}

SelfCheckResult run_device_self_check(Backend& reference, Backend& candidate, const SelfCheckTolerance& tol) {
  const auto start = std::chrono::steady_clock::now();
  SelfCheckResult r;
  r.backend = candidate.name();
  auto finish = [&](bool passed) {
    r.passed = passed;
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return r;
  };
  for (const OpProbe& p : backend_op_probes()) {
    Tensor want = reference.download(p.run(reference));
    try {
      const double err = rel_l2_error(candidate.download(p.run(candidate)), want);
      if (!(err <= tol.op_rel_l2)) {
        r.failed_at = "op " + p.name;
        r.detail = over(err, tol.op_rel_l2);
        return finish(false);
      }
    } catch (const std::exception& e) {
      r.failed_at = "op " + p.name;
      r.detail = e.what();
      return finish(false);
    }
    ++r.ops_checked;
  }
  TinyStep want = run_tiny_step(reference);
  OperandRoundingBackend rounding(default_thread_count());
  TinyStep rounded = run_tiny_step(rounding);
  want.trace["output"] = want.output;
  rounded.trace["output"] = rounded.output;
  try {
    TinyStep got = run_tiny_step(candidate);
    got.trace["output"] = got.output;
    for (const auto& [name, t] : want.trace) {
      const Tensor ref = reference.download(t);
      const double allowed = std::max(tol.step_rel_l2, 2 * rel_l2_error(rounded.trace.at(name), ref));
      auto it = got.trace.find(name);
      const double err = it == got.trace.end() ? INFINITY : rel_l2_error(candidate.download(it->second), ref);
      if (!(err <= allowed)) {
        r.failed_at = "UNet tensor " + name;
        r.detail = it == got.trace.end() ? "not produced" : over(err, allowed);
        return finish(false);
      }
      ++r.tensors_checked;
    }
  } catch (const std::exception& e) {
    r.failed_at = "UNet step";
    r.detail = e.what();
    return finish(false);
  }
  return finish(true);
}

}  // namespace gpuq
