// A flow-matching sampler's state over one generation: Euler (x + (σ_next - σ) v) or UniPC
// multistep predictor-corrector in flow mode (x0 = x - σ v, bh1/bh2, orders 1-3), stepping CPU
// fp32 latents as diffusers' step() does (float32 scalars, same operation order).
// Usage: FlowScheduler s(cfg, steps); for i: v = model(x, s.timestep(i)); x = s.step(v, i, x).
// The latents are not scaled at the start (init_noise_sigma is 1).
#pragma once

#include <vector>

#include "sched/flow_schedule.h"
#include "tensor/tensor.h"

namespace gpuq {

class FlowScheduler {
 public:
  FlowScheduler(const FlowSchedulerConfig& cfg, int64_t steps);

  const FlowSchedulerConfig& config() const { return cfg_; }
  const FlowSchedule& schedule() const { return sched_; }
  int64_t steps() const { return static_cast<int64_t>(sched_.timesteps.size()); }
  float timestep(int64_t i) const { return static_cast<float>(sched_.timesteps.at(static_cast<size_t>(i))); }

  // Returns the latents after step i (CPU fp32). Steps must be taken in order 0, 1, ...
  Tensor step(const Tensor& velocity, int64_t i, const Tensor& sample);

 private:
  Tensor unipc_step(const Tensor& velocity, int64_t i, const Tensor& sample);
  // UniP (predictor) and UniC (corrector) of diffusers' multistep_uni_{p,c}_bh_update.
  Tensor predict(const Tensor& x, int64_t i, int64_t order) const;
  Tensor correct(const Tensor& this_x0, const Tensor& last_sample, int64_t i, int64_t order) const;

  FlowSchedulerConfig cfg_;
  FlowSchedule sched_;
  std::vector<Tensor> x0_history_;  // converted model outputs, newest last, at most solver_order
  Tensor last_sample_;
  int64_t this_order_ = 0, lower_order_nums_ = 0, next_step_ = 0;
};

}  // namespace gpuq
