#include "sched/flow_schedule.h"

#include <cmath>

#include "util/error.h"

namespace gpuq {

bool FlowSchedulerConfig::is_flow(const json::Value& cfg) {
  std::string cls = cfg.string_or("_class_name", "");
  return cls == "FlowMatchEulerDiscreteScheduler" ||
         (cls == "UniPCMultistepScheduler" && cfg.bool_or("use_flow_sigmas", false));
}

FlowSchedulerConfig FlowSchedulerConfig::from_json(const json::Value& cfg) {
  FlowSchedulerConfig c;
  std::string cls = cfg.string_or("_class_name", "");
  c.num_train_timesteps = cfg.int_or("num_train_timesteps", 1000);
  c.final_sigmas_type = cfg.string_or("final_sigmas_type", "zero");
  check(!cfg.bool_or("use_karras_sigmas", false) && !cfg.bool_or("use_exponential_sigmas", false) &&
            !cfg.bool_or("use_beta_sigmas", false),
        ErrorCode::Unsupported, "flow scheduler: Karras / exponential / beta sigmas");
  if (cls == "FlowMatchEulerDiscreteScheduler") {
    c.kind = FlowKind::Euler;
    c.shift = cfg.number_or("shift", 1.0);
    const json::Value* term = cfg.find("shift_terminal");
    check(!cfg.bool_or("use_dynamic_shifting", false) && !cfg.bool_or("invert_sigmas", false) &&
              (!term || term->is_null()),
          ErrorCode::Unsupported, "FlowMatchEuler: dynamic shifting, shift_terminal or inverted sigmas");
    return c;
  }
  check(cls == "UniPCMultistepScheduler" && cfg.bool_or("use_flow_sigmas", false), ErrorCode::Unsupported,
        "flow scheduler " + cls + " (expected FlowMatchEulerDiscreteScheduler or UniPC with use_flow_sigmas)");
  c.kind = FlowKind::UniPC;
  c.shift = cfg.number_or("flow_shift", 1.0);
  c.solver_order = cfg.int_or("solver_order", 2);
  c.solver_type = cfg.string_or("solver_type", "bh2");
  c.lower_order_final = cfg.bool_or("lower_order_final", true);
  if (const json::Value* dc = cfg.find("disable_corrector"); dc && dc->is_array())
    for (const auto& v : dc->as_array()) c.disable_corrector.push_back(v.as_int());
  const json::Value* solver_p = cfg.find("solver_p");
  check(cfg.string_or("prediction_type", "flow_prediction") == "flow_prediction" && cfg.bool_or("predict_x0", true) &&
            !cfg.bool_or("thresholding", false) && (!solver_p || solver_p->is_null()) &&
            cfg.string_or("timestep_spacing", "linspace") == "linspace",
        ErrorCode::Unsupported, "UniPC: only flow_prediction with predict_x0, no thresholding or solver_p");
  check(c.solver_type == "bh1" || c.solver_type == "bh2", ErrorCode::Unsupported, "UniPC solver_type " + c.solver_type);
  check(c.solver_order >= 1 && c.solver_order <= 3, ErrorCode::Unsupported, "UniPC solver_order > 3");
  return c;
}

namespace {

// np.linspace in float64: start + i * step, the last value exactly `stop`.
std::vector<double> linspace(double start, double stop, int64_t n) {
  std::vector<double> out(static_cast<size_t>(n));
  const double step = n > 1 ? (stop - start) / static_cast<double>(n - 1) : 0.0;
  for (int64_t i = 0; i < n; ++i) out[i] = static_cast<double>(i) * step + start;
  if (n > 1) out.back() = stop;
  return out;
}

FlowSchedule euler_schedule(const FlowSchedulerConfig& cfg, int64_t steps) {
  const int64_t n = cfg.num_train_timesteps;
  // Training table in float32: σ = t / N for t = N..1, shifted. Only its ends are used.
  auto train_sigma = [&](int64_t t) {
    float s = static_cast<float>(t) / static_cast<float>(n);
    const float shift = static_cast<float>(cfg.shift);
    return shift * s / (1.0f + (shift - 1.0f) * s);
  };
  const double sigma_max = train_sigma(n), sigma_min = train_sigma(1);
  // diffusers' quirk: the grid runs from σ_max to the already shifted σ_min and is shifted again.
  FlowSchedule s;
  for (double t : linspace(sigma_max * static_cast<double>(n), sigma_min * static_cast<double>(n), steps)) {
    const double sigma = t / static_cast<double>(n);
    const float shifted = static_cast<float>(cfg.shift * sigma / (1.0 + (cfg.shift - 1.0) * sigma));
    s.sigmas.push_back(shifted);
    s.timesteps.push_back(static_cast<double>(shifted * static_cast<float>(n)));
  }
  s.sigmas.push_back(0.0f);
  return s;
}

FlowSchedule unipc_schedule(const FlowSchedulerConfig& cfg, int64_t steps) {
  const int64_t n = cfg.num_train_timesteps;
  std::vector<double> alphas = linspace(1.0, 1.0 / static_cast<double>(n), steps + 1);
  FlowSchedule s;
  s.integer_timesteps = true;
  // σ = 1 - α shifted, reversed, without its last (zero) entry.
  for (int64_t i = steps; i >= 1; --i) {
    const double sigma = 1.0 - alphas[i];
    const double shifted = cfg.shift * sigma / (1.0 + (cfg.shift - 1.0) * sigma);
    s.sigmas.push_back(static_cast<float>(shifted));
    s.timesteps.push_back(std::trunc(shifted * static_cast<double>(n)));  // astype(int64)
  }
  s.sigmas.push_back(cfg.final_sigmas_type == "sigma_min" ? s.sigmas.back() : 0.0f);
  return s;
}

}  // namespace

FlowSchedule make_flow_schedule(const FlowSchedulerConfig& cfg, int64_t steps) {
  check(steps >= 1, ErrorCode::InvalidArgument, "flow scheduler: steps must be >= 1");
  return cfg.kind == FlowKind::Euler ? euler_schedule(cfg, steps) : unipc_schedule(cfg, steps);
}

}  // namespace gpuq
