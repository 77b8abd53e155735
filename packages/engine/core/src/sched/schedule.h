// Noise schedules shared by the diffusion schedulers: the training-time betas / alphas_cumprod
// table and the timestep / sigma tables for a number of inference steps, computed the way
// diffusers computes them (float32 torch tables, float64 numpy interpolation), so timesteps come
// out identical and sigmas within float32 rounding.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "util/json.h"

namespace gpuq {

enum class SchedulerKind { Euler, EulerAncestral, DpmSolverMultistep };

struct SchedulerConfig {
  SchedulerKind kind = SchedulerKind::Euler;
  int64_t num_train_timesteps = 1000;
  double beta_start = 0.00085, beta_end = 0.012;
  std::string beta_schedule = "scaled_linear";
  std::string timestep_spacing = "leading";
  int64_t steps_offset = 1;
  std::string prediction_type = "epsilon";
  bool use_karras_sigmas = false;
  std::string final_sigmas_type = "zero";
  // DPM-Solver++ only
  int64_t solver_order = 2;
  std::string algorithm_type = "dpmsolver++", solver_type = "midpoint";
  bool lower_order_final = true, euler_at_final = false;
  double lambda_min_clipped = -INFINITY;

  // From a diffusers scheduler_config.json; `_class_name` picks the kind. Throws Unsupported for
  // options the engine does not implement (v-prediction, beta/exponential sigmas, order 3...).
  static SchedulerConfig from_json(const json::Value& cfg);
  // The named samplers the API offers, built from a base config the way diffusers'
  // `from_config` does: "euler", "euler_ancestral" (alias "euler_a", the job catalog's name),
  // "dpmpp_2m", "dpmpp_2m_karras".
  static SchedulerConfig named(const std::string& name, const SchedulerConfig& base);
};

struct Schedule {
  std::vector<double> timesteps;  // float for Euler, whole numbers for DPM
  bool integer_timesteps = false;
  std::vector<float> sigmas;  // steps + 1, the last the final sigma
  float init_noise_sigma = 1.0f;
};

// alphas_cumprod as the float32 torch table diffusers builds.
std::vector<float> alphas_cumprod(const SchedulerConfig& cfg);
Schedule make_schedule(const SchedulerConfig& cfg, int64_t steps);

}  // namespace gpuq
