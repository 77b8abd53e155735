// Flow-matching schedules (WAN 2.1): diffusers' FlowMatchEulerDiscreteScheduler and
// UniPCMultistepScheduler with use_flow_sigmas, from their scheduler_config.json. The tables are
// computed the way diffusers computes them (float32 torch training table, float64 numpy grid,
// float32 result), so timesteps come out identical and sigmas within float32 rounding.
// The model predicts the velocity v; x_t = (1 - σ) x0 + σ noise.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "util/json.h"

namespace gpuq {

enum class FlowKind { Euler, UniPC };

struct FlowSchedulerConfig {
  FlowKind kind = FlowKind::Euler;
  int64_t num_train_timesteps = 1000;
  double shift = 1.0;  // Euler: `shift`; UniPC: `flow_shift`
  std::string final_sigmas_type = "zero";
  // UniPC only
  int64_t solver_order = 2;
  std::string solver_type = "bh2";
  bool lower_order_final = true;
  std::vector<int64_t> disable_corrector;

  // Throws Unsupported for options the engine does not implement (dynamic shifting, Karras /
  // exponential / beta sigmas, UniPC outside flow mode, bh1 with solver_p...).
  static FlowSchedulerConfig from_json(const json::Value& cfg);
  // Whether a scheduler_config.json describes a flow-matching scheduler.
  static bool is_flow(const json::Value& cfg);
};

struct FlowSchedule {
  std::vector<double> timesteps;  // Euler: σ·1000 as float32 values; UniPC: int64 values
  bool integer_timesteps = false;
  std::vector<float> sigmas;  // steps + 1, the last the final sigma (0)
};

FlowSchedule make_flow_schedule(const FlowSchedulerConfig& cfg, int64_t steps);

}  // namespace gpuq
