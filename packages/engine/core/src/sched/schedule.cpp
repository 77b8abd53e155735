#include "sched/schedule.h"

#include <algorithm>
#include <cmath>

#include "util/error.h"

namespace gpuq {

SchedulerConfig SchedulerConfig::from_json(const json::Value& cfg) {
  SchedulerConfig c;
  std::string cls = cfg.string_or("_class_name", "EulerDiscreteScheduler");
  if (cls == "EulerDiscreteScheduler") c.kind = SchedulerKind::Euler;
  else if (cls == "EulerAncestralDiscreteScheduler") c.kind = SchedulerKind::EulerAncestral;
  else if (cls == "DPMSolverMultistepScheduler") c.kind = SchedulerKind::DpmSolverMultistep;
  else throw Error(ErrorCode::Unsupported, "scheduler " + cls);
  c.num_train_timesteps = cfg.int_or("num_train_timesteps", 1000);
  c.beta_start = cfg.number_or("beta_start", 0.0001);
  c.beta_end = cfg.number_or("beta_end", 0.02);
  c.beta_schedule = cfg.string_or("beta_schedule", "linear");
  c.timestep_spacing = cfg.string_or("timestep_spacing", "linspace");
  c.steps_offset = cfg.int_or("steps_offset", 0);
  c.prediction_type = cfg.string_or("prediction_type", "epsilon");
  c.use_karras_sigmas = cfg.bool_or("use_karras_sigmas", false);
  c.final_sigmas_type = cfg.string_or("final_sigmas_type", "zero");
  c.solver_order = cfg.int_or("solver_order", 2);
  c.algorithm_type = cfg.string_or("algorithm_type", "dpmsolver++");
  c.solver_type = cfg.string_or("solver_type", "midpoint");
  c.lower_order_final = cfg.bool_or("lower_order_final", true);
  c.euler_at_final = cfg.bool_or("euler_at_final", false);
  c.lambda_min_clipped = cfg.number_or("lambda_min_clipped", -INFINITY);
  check(c.prediction_type == "epsilon", ErrorCode::Unsupported, "prediction_type " + c.prediction_type);
  check(c.beta_schedule == "scaled_linear" || c.beta_schedule == "linear", ErrorCode::Unsupported,
        "beta_schedule " + c.beta_schedule);
  check(!cfg.bool_or("use_exponential_sigmas", false) && !cfg.bool_or("use_beta_sigmas", false) &&
            !cfg.bool_or("rescale_betas_zero_snr", false) && cfg.string_or("interpolation_type", "linear") == "linear",
        ErrorCode::Unsupported, "scheduler sigma options beyond linear / Karras");
  if (c.kind == SchedulerKind::DpmSolverMultistep) {
    check(c.algorithm_type == "dpmsolver++", ErrorCode::Unsupported, "DPM algorithm_type " + c.algorithm_type);
    check(c.solver_order <= 2, ErrorCode::Unsupported, "DPM solver_order > 2");
    check(c.solver_type == "midpoint" || c.solver_type == "heun", ErrorCode::Unsupported,
          "DPM solver_type " + c.solver_type);
  }
  return c;
}

SchedulerConfig SchedulerConfig::named(const std::string& name, const SchedulerConfig& base) {
  SchedulerConfig c = base;
  // from_config keeps the shared keys (betas, spacing, offset) and takes the class defaults for
  // the rest; the base may itself be a DPM config carrying Karras sigmas.
  c.use_karras_sigmas = false;
  if (name == "euler") c.kind = SchedulerKind::Euler;
  else if (name == "euler_ancestral" || name == "euler_a") c.kind = SchedulerKind::EulerAncestral;
  else if (name == "dpmpp_2m" || name == "dpmpp_2m_karras") {
    c.kind = SchedulerKind::DpmSolverMultistep;
    c.use_karras_sigmas = name == "dpmpp_2m_karras";
  } else {
    throw Error(ErrorCode::InvalidArgument,
                "unknown scheduler \"" + name + "\" (expected euler, euler_ancestral (euler_a), dpmpp_2m, dpmpp_2m_karras)");
  }
  return c;
}

std::vector<float> alphas_cumprod(const SchedulerConfig& cfg) {
  const int64_t n = cfg.num_train_timesteps;
  std::vector<float> betas(static_cast<size_t>(n));
  // torch.linspace in float32: start + i*step for the first half, end - (n-1-i)*step after.
  bool scaled = cfg.beta_schedule == "scaled_linear";
  float start = scaled ? static_cast<float>(std::sqrt(cfg.beta_start)) : static_cast<float>(cfg.beta_start);
  float end = scaled ? static_cast<float>(std::sqrt(cfg.beta_end)) : static_cast<float>(cfg.beta_end);
  float step = (end - start) / static_cast<float>(n - 1);
  for (int64_t i = 0; i < n; ++i) {
    float v = i < n / 2 ? start + step * static_cast<float>(i) : end - step * static_cast<float>(n - i - 1);
    betas[i] = scaled ? v * v : v;
  }
  std::vector<float> out(static_cast<size_t>(n));
  double acc = 1.0;  // torch's CPU cumprod accumulates in double
  for (int64_t i = 0; i < n; ++i) {
    acc *= static_cast<double>(1.0f - betas[i]);
    out[i] = static_cast<float>(acc);
  }
  return out;
}

namespace {

double sigma_to_t(double sigma, const std::vector<float>& log_sigmas) {
  double ls = std::log(std::max(sigma, 1e-10));
  const int64_t n = static_cast<int64_t>(log_sigmas.size());
  int64_t low = 0;
  for (int64_t i = 0; i < n; ++i)
    if (ls - log_sigmas[i] >= 0) low = i;
  low = std::min(low, n - 2);
  double lo = log_sigmas[low], hi = log_sigmas[low + 1];
  double w = std::clamp((lo - ls) / (lo - hi), 0.0, 1.0);
  return (1.0 - w) * static_cast<double>(low) + w * static_cast<double>(low + 1);
}

std::vector<double> karras(double sigma_min, double sigma_max, int64_t steps) {
  const double rho = 7.0;
  double min_inv = std::pow(sigma_min, 1.0 / rho), max_inv = std::pow(sigma_max, 1.0 / rho);
  std::vector<double> out;
  for (int64_t i = 0; i < steps; ++i) {
    double ramp = steps == 1 ? 0.0 : static_cast<double>(i) / static_cast<double>(steps - 1);
    out.push_back(std::pow(max_inv + ramp * (min_inv - max_inv), rho));
  }
  return out;
}

double interp(double x, const std::vector<float>& table) {
  if (x <= 0) return table.front();
  if (x >= static_cast<double>(table.size() - 1)) return table.back();
  auto i = static_cast<size_t>(std::floor(x));
  double f = x - static_cast<double>(i);
  return f == 0 ? table[i] : table[i] + f * (static_cast<double>(table[i + 1]) - table[i]);
}

}  // namespace

Schedule make_schedule(const SchedulerConfig& cfg, int64_t steps) {
  check(steps >= 1 && steps <= cfg.num_train_timesteps, ErrorCode::InvalidArgument,
        "steps must be in [1, " + std::to_string(cfg.num_train_timesteps) + "], got " + std::to_string(steps));
  const std::vector<float> ac = alphas_cumprod(cfg);
  const int64_t n = cfg.num_train_timesteps;
  std::vector<float> sig(static_cast<size_t>(n)), log_sig(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    sig[i] = std::sqrt((1.0f - ac[i]) / ac[i]);
    log_sig[i] = std::log(sig[i]);
  }
  const bool dpm = cfg.kind == SchedulerKind::DpmSolverMultistep;
  Schedule s;
  s.integer_timesteps = dpm;
  std::vector<double> ts;
  if (dpm) {
    // DPM clips the schedule where lambda drops below lambda_min_clipped (-inf: never).
    int64_t clipped = 0;
    for (int64_t i = n - 1; i >= 0; --i) {
      double lambda = std::log(std::sqrt(static_cast<double>(ac[i]))) - std::log(std::sqrt(1.0 - ac[i]));
      if (lambda < cfg.lambda_min_clipped) ++clipped;
    }
    const int64_t last = n - clipped;
    if (cfg.timestep_spacing == "leading") {
      int64_t ratio = last / (steps + 1);
      for (int64_t i = steps; i >= 1; --i) ts.push_back(static_cast<double>(i * ratio + cfg.steps_offset));
    } else if (cfg.timestep_spacing == "linspace") {
      for (int64_t i = steps; i >= 1; --i)
        ts.push_back(std::nearbyint(static_cast<double>(last - 1) * i / static_cast<double>(steps)));
    } else if (cfg.timestep_spacing == "trailing") {
      double ratio = static_cast<double>(n) / steps;
      for (double t = last; t > 0; t -= ratio) ts.push_back(std::nearbyint(t) - 1);
    } else {
      throw Error(ErrorCode::Unsupported, "timestep_spacing " + cfg.timestep_spacing);
    }
  } else {
    if (cfg.timestep_spacing == "leading") {
      int64_t ratio = n / steps;
      for (int64_t i = steps - 1; i >= 0; --i) ts.push_back(static_cast<double>(i * ratio + cfg.steps_offset));
    } else if (cfg.timestep_spacing == "linspace") {
      for (int64_t i = steps - 1; i >= 0; --i)
        ts.push_back(static_cast<float>(steps == 1 ? 0.0 : static_cast<double>(n - 1) * i / (steps - 1)));
    } else if (cfg.timestep_spacing == "trailing") {
      double ratio = static_cast<double>(n) / steps;
      for (int64_t i = 0; i < steps; ++i) ts.push_back(std::nearbyint(n - i * ratio) - 1);
    } else {
      throw Error(ErrorCode::Unsupported, "timestep_spacing " + cfg.timestep_spacing);
    }
  }
  std::vector<double> sigmas;
  for (double t : ts) sigmas.push_back(interp(t, sig));
  if (cfg.use_karras_sigmas) {
    // Karras spreads sigma over the whole training range (DPM) or the interpolated one (Euler).
    double smin = dpm ? sig.front() : sigmas.back(), smax = dpm ? sig.back() : sigmas.front();
    sigmas = karras(smin, smax, steps);
    ts.clear();
    for (double sg : sigmas) ts.push_back(dpm ? std::nearbyint(sigma_to_t(sg, log_sig)) : sigma_to_t(sg, log_sig));
  }
  double last_sigma = cfg.final_sigmas_type == "sigma_min" ? (dpm ? sigmas.back() : sig.front()) : 0.0;
  for (double sg : sigmas) s.sigmas.push_back(static_cast<float>(sg));
  s.sigmas.push_back(static_cast<float>(last_sigma));
  for (double t : ts) s.timesteps.push_back(dpm ? t : static_cast<double>(static_cast<float>(t)));
  float max_sigma = *std::max_element(s.sigmas.begin(), s.sigmas.end());
  if (dpm) s.init_noise_sigma = 1.0f;
  else if (cfg.timestep_spacing == "linspace" || cfg.timestep_spacing == "trailing") s.init_noise_sigma = max_sigma;
  else s.init_noise_sigma = std::sqrt(max_sigma * max_sigma + 1.0f);
  return s;
}

}  // namespace gpuq
