// A diffusion sampler's state over one generation: Euler, Euler ancestral and DPM-Solver++ (2M,
// midpoint or heun) with epsilon prediction, stepping CPU fp32 latents exactly as diffusers'
// step() does (float32 scalars, same operation order).
// Usage: Scheduler s(cfg, steps); x *= s.init_noise_sigma(); for i: in = x * s.input_scale(i);
// eps = model(in, s.timestep(i)); x = s.step(eps, i, x, noise_i).
#pragma once

#include <vector>

#include "sched/schedule.h"
#include "tensor/tensor.h"

namespace gpuq {

class Scheduler {
 public:
  Scheduler(const SchedulerConfig& cfg, int64_t steps);

  const SchedulerConfig& config() const { return cfg_; }
  const Schedule& schedule() const { return sched_; }
  int64_t steps() const { return static_cast<int64_t>(sched_.timesteps.size()); }
  float timestep(int64_t i) const { return static_cast<float>(sched_.timesteps.at(static_cast<size_t>(i))); }
  float init_noise_sigma() const { return sched_.init_noise_sigma; }
  // scale_model_input as a factor: 1/sqrt(sigma^2+1) for the Euler family, 1 for DPM.
  float input_scale(int64_t i) const;
  // Whether step() draws noise (the caller supplies it, so runs are replayable).
  bool needs_noise() const { return cfg_.kind == SchedulerKind::EulerAncestral; }

  // Returns the latents after step i. `noise` ([same shape], N(0,1)) is required when
  // needs_noise(). Steps must be taken in order 0, 1, ... (DPM keeps a history).
  Tensor step(const Tensor& model_output, int64_t i, const Tensor& sample, const Tensor* noise);

 private:
  Tensor dpm_step(const Tensor& x0, int64_t i, const Tensor& sample);

  SchedulerConfig cfg_;
  Schedule sched_;
  std::vector<Tensor> history_;  // DPM: previous x0 predictions (newest last)
  int64_t lower_order_nums_ = 0;
  int64_t next_step_ = 0;
};

}  // namespace gpuq
