#include "sched/scheduler.h"

#include <cmath>

#include "util/error.h"

namespace gpuq {

Scheduler::Scheduler(const SchedulerConfig& cfg, int64_t steps) : cfg_(cfg), sched_(make_schedule(cfg, steps)) {}

float Scheduler::input_scale(int64_t i) const {
  if (cfg_.kind == SchedulerKind::DpmSolverMultistep) return 1.0f;
  float sigma = sched_.sigmas.at(static_cast<size_t>(i));
  return 1.0f / std::sqrt(sigma * sigma + 1.0f);
}

Tensor Scheduler::step(const Tensor& model_output, int64_t i, const Tensor& sample, const Tensor* noise) {
  check(i == next_step_, ErrorCode::InvalidArgument,
        "scheduler steps must run in order: expected step " + std::to_string(next_step_) + ", got " +
            std::to_string(i));
  check(i < steps(), ErrorCode::InvalidArgument, "scheduler step beyond the last timestep");
  check(model_output.shape() == sample.shape(), ErrorCode::InvalidArgument,
        "scheduler: model output " + shape_str(model_output.shape()) + " vs sample " + shape_str(sample.shape()));
  ++next_step_;
  const Tensor eps = model_output.to_f32();
  const Tensor x = sample.to_f32();
  const int64_t n = x.numel();
  const float* e = eps.f32();
  const float* xp = x.f32();
  const float sigma = sched_.sigmas[static_cast<size_t>(i)];
  const float sigma_next = sched_.sigmas[static_cast<size_t>(i) + 1];
  Tensor out = Tensor::empty(x.shape());
  float* o = out.f32();

  switch (cfg_.kind) {
    case SchedulerKind::Euler: {
      const float dt = sigma_next - sigma;
      for (int64_t k = 0; k < n; ++k) {
        float pred = xp[k] - sigma * e[k];
        float derivative = (xp[k] - pred) / sigma;
        o[k] = xp[k] + derivative * dt;
      }
      return out;
    }
    case SchedulerKind::EulerAncestral: {
      check(noise && noise->shape() == x.shape(), ErrorCode::InvalidArgument,
            "Euler ancestral needs per-step noise shaped like the latents");
      const Tensor noise32 = noise->to_f32();
      const float* z = noise32.f32();
      float up = std::sqrt(sigma_next * sigma_next * (sigma * sigma - sigma_next * sigma_next) / (sigma * sigma));
      float down = std::sqrt(sigma_next * sigma_next - up * up);
      const float dt = down - sigma;
      for (int64_t k = 0; k < n; ++k) {
        float pred = xp[k] - sigma * e[k];
        float derivative = (xp[k] - pred) / sigma;
        o[k] = xp[k] + derivative * dt + z[k] * up;
      }
      return out;
    }
    case SchedulerKind::DpmSolverMultistep: {
      // convert_model_output: epsilon -> x0 prediction, alpha = 1/sqrt(sigma^2+1), sigma_t = sigma*alpha.
      float alpha = 1.0f / std::sqrt(sigma * sigma + 1.0f);
      float sig_t = sigma * alpha;
      Tensor x0 = Tensor::empty(x.shape());
      for (int64_t k = 0; k < n; ++k) x0.f32()[k] = (xp[k] - sig_t * e[k]) / alpha;
      return dpm_step(x0, i, x);
    }
  }
  throw Error(ErrorCode::Internal, "unknown scheduler kind");
}

Tensor Scheduler::dpm_step(const Tensor& x0, int64_t i, const Tensor& x) {
  history_.push_back(x0);
  if (static_cast<int64_t>(history_.size()) > cfg_.solver_order) history_.erase(history_.begin());
  const int64_t total = steps();
  const bool lower_final = i == total - 1 && (cfg_.euler_at_final || (cfg_.lower_order_final && total < 15) ||
                                              cfg_.final_sigmas_type == "zero");
  auto alpha_sigma = [](float s, float& alpha, float& sig) {
    alpha = 1.0f / std::sqrt(s * s + 1.0f);
    sig = s * alpha;
  };
  auto lambda = [](float alpha, float sig) { return std::log(alpha) - std::log(sig); };  // inf when sig = 0
  float a_t, s_t, a_s0, s_s0;
  alpha_sigma(sched_.sigmas[static_cast<size_t>(i) + 1], a_t, s_t);
  alpha_sigma(sched_.sigmas[static_cast<size_t>(i)], a_s0, s_s0);
  const float l_t = lambda(a_t, s_t), l_s0 = lambda(a_s0, s_s0);
  const float h = l_t - l_s0;
  const float ratio = s_t / s_s0;
  const float coef = a_t * (std::exp(-h) - 1.0f);
  const int64_t n = x.numel();
  const float* xp = x.f32();
  const float* m0 = history_.back().f32();
  Tensor out = Tensor::empty(x.shape());
  float* o = out.f32();
  if (cfg_.solver_order == 1 || lower_order_nums_ < 1 || lower_final) {
    for (int64_t k = 0; k < n; ++k) o[k] = ratio * xp[k] - coef * m0[k];
  } else {
    float a_s1, s_s1;
    alpha_sigma(sched_.sigmas[static_cast<size_t>(i) - 1], a_s1, s_s1);
    const float h0 = l_s0 - lambda(a_s1, s_s1);
    const float r0 = h0 / h;
    const float* m1 = history_[history_.size() - 2].f32();
    const bool midpoint = cfg_.solver_type == "midpoint";
    const float heun_coef = a_t * ((std::exp(-h) - 1.0f) / h + 1.0f);
    for (int64_t k = 0; k < n; ++k) {
      float d1 = (1.0f / r0) * (m0[k] - m1[k]);
      o[k] = midpoint ? ratio * xp[k] - coef * m0[k] - 0.5f * coef * d1
                      : ratio * xp[k] - coef * m0[k] + heun_coef * d1;
    }
  }
  if (lower_order_nums_ < cfg_.solver_order) ++lower_order_nums_;
  return out;
}

}  // namespace gpuq
