#include "sched/flow_scheduler.h"

#include <algorithm>
#include <cmath>

#include "util/error.h"

namespace gpuq {

namespace {

// λ = log(α) - log(σ) with α = 1 - σ (flow sigmas), in float32 as torch computes it.
float lambda_of(float sigma) { return std::log(1.0f - sigma) - std::log(sigma); }

// Solves the small float32 system R ρ = b by Gaussian elimination with partial pivoting (LAPACK's
// sgesv does the same for these 2x2 / 3x3 systems).
std::vector<float> solve(std::vector<std::vector<float>> a, std::vector<float> b) {
  const size_t n = b.size();
  for (size_t c = 0; c < n; ++c) {
    size_t p = c;
    for (size_t r = c + 1; r < n; ++r)
      if (std::fabs(a[r][c]) > std::fabs(a[p][c])) p = r;
    std::swap(a[c], a[p]);
    std::swap(b[c], b[p]);
    for (size_t r = c + 1; r < n; ++r) {
      const float f = a[r][c] / a[c][c];
      for (size_t k = c; k < n; ++k) a[r][k] -= f * a[c][k];
      b[r] -= f * b[c];
    }
  }
  std::vector<float> x(n);
  for (size_t c = n; c-- > 0;) {
    float s = b[c];
    for (size_t k = c + 1; k < n; ++k) s -= a[c][k] * x[k];
    x[c] = s / a[c][c];
  }
  return x;
}

// The B(h) coefficients shared by predictor and corrector: rks (ratios of λ steps, then 1),
// h_phi_1 = expm1(-h), B_h and the right-hand side b of the order conditions.
struct UniCoefficients {
  std::vector<float> rks, b;
  float h_phi_1 = 0, b_h = 0;
};

UniCoefficients coefficients(float h, const std::vector<float>& rks_prev, int64_t order, bool bh2) {
  UniCoefficients c;
  c.rks = rks_prev;
  c.rks.push_back(1.0f);
  const float hh = -h;  // predict_x0
  c.h_phi_1 = std::expm1(hh);
  float h_phi_k = c.h_phi_1 / hh - 1.0f;
  c.b_h = bh2 ? std::expm1(hh) : hh;
  int64_t factorial = 1;
  for (int64_t i = 1; i <= order; ++i) {
    c.b.push_back(h_phi_k * static_cast<float>(factorial) / c.b_h);
    factorial *= i + 1;
    h_phi_k = h_phi_k / hh - 1.0f / static_cast<float>(factorial);
  }
  return c;
}

}  // namespace

FlowScheduler::FlowScheduler(const FlowSchedulerConfig& cfg, int64_t steps)
    : cfg_(cfg), sched_(make_flow_schedule(cfg, steps)) {}

Tensor FlowScheduler::step(const Tensor& velocity, int64_t i, const Tensor& sample) {
  check(i == next_step_ && i < steps(), ErrorCode::InvalidArgument,
        "flow scheduler: step " + std::to_string(i) + " out of order (expected " + std::to_string(next_step_) + ")");
  check(velocity.shape() == sample.shape(), ErrorCode::InvalidArgument,
        "flow scheduler: model output " + shape_str(velocity.shape()) + " vs sample " + shape_str(sample.shape()));
  ++next_step_;
  if (cfg_.kind == FlowKind::UniPC) return unipc_step(velocity.to_f32(), i, sample.to_f32());
  const float dt = sched_.sigmas[i + 1] - sched_.sigmas[i];
  Tensor out = Tensor::empty(sample.shape());
  const float* v = velocity.to_f32().f32();
  const float* x = sample.to_f32().f32();
  for (int64_t k = 0; k < out.numel(); ++k) out.f32()[k] = x[k] + dt * v[k];
  return out;
}

Tensor FlowScheduler::unipc_step(const Tensor& velocity, int64_t i, const Tensor& sample) {
  // convert_model_output: x0 = x - σ v.
  const float sigma = sched_.sigmas[i];
  Tensor x0 = Tensor::empty(sample.shape());
  for (int64_t k = 0; k < x0.numel(); ++k) x0.f32()[k] = sample.f32()[k] - sigma * velocity.f32()[k];

  Tensor x = sample;
  const bool disabled =
      std::find(cfg_.disable_corrector.begin(), cfg_.disable_corrector.end(), i - 1) != cfg_.disable_corrector.end();
  if (i > 0 && !disabled && last_sample_.defined()) x = correct(x0, last_sample_, i, this_order_);

  x0_history_.push_back(x0);
  if (static_cast<int64_t>(x0_history_.size()) > cfg_.solver_order) x0_history_.erase(x0_history_.begin());

  int64_t order = cfg_.lower_order_final ? std::min<int64_t>(cfg_.solver_order, steps() - i) : cfg_.solver_order;
  this_order_ = std::min(order, lower_order_nums_ + 1);  // warm-up of the multistep history
  last_sample_ = x;
  Tensor out = predict(x, i, this_order_);
  if (lower_order_nums_ < cfg_.solver_order) ++lower_order_nums_;
  return out;
}

Tensor FlowScheduler::predict(const Tensor& x, int64_t i, int64_t order) const {
  const auto& s = sched_.sigmas;
  const float sigma_t = s[i + 1], sigma_s0 = s[i], alpha_t = 1.0f - sigma_t;
  const float lambda_s0 = lambda_of(sigma_s0);
  const float h = lambda_of(sigma_t) - lambda_s0;
  const Tensor& m0 = x0_history_.back();
  std::vector<float> rks;
  std::vector<const Tensor*> ms;
  for (int64_t k = 1; k < order; ++k) {
    rks.push_back((lambda_of(s[i - k]) - lambda_s0) / h);
    ms.push_back(&x0_history_[x0_history_.size() - 1 - k]);
  }
  UniCoefficients c = coefficients(h, rks, order, cfg_.solver_type == "bh2");
  std::vector<float> rhos;
  if (order == 2) rhos = {0.5f};
  else if (order > 2) {
    // R[:-1, :-1] ρ = b[:-1], R[r][k] = rks[k]^r.
    std::vector<std::vector<float>> r(static_cast<size_t>(order - 1), std::vector<float>(static_cast<size_t>(order - 1)));
    for (int64_t a = 0; a < order - 1; ++a)
      for (int64_t k = 0; k < order - 1; ++k) r[a][k] = std::pow(c.rks[k], static_cast<float>(a));
    rhos = solve(r, std::vector<float>(c.b.begin(), c.b.end() - 1));
  }
  const float ratio = sigma_t / sigma_s0, coef_m0 = alpha_t * c.h_phi_1, coef_res = alpha_t * c.b_h;
  Tensor out = Tensor::empty(x.shape());
  for (int64_t e = 0; e < out.numel(); ++e) {
    const float m = m0.f32()[e];
    float res = 0.0f;
    for (size_t k = 0; k < rks.size(); ++k) res += rhos[k] * ((ms[k]->f32()[e] - m) / rks[k]);
    const float xt = ratio * x.f32()[e] - coef_m0 * m;
    out.f32()[e] = rks.empty() ? xt : xt - coef_res * res;
  }
  return out;
}

Tensor FlowScheduler::correct(const Tensor& this_x0, const Tensor& last_sample, int64_t i, int64_t order) const {
  const auto& s = sched_.sigmas;
  const float sigma_t = s[i], sigma_s0 = s[i - 1], alpha_t = 1.0f - sigma_t;
  const float lambda_s0 = lambda_of(sigma_s0);
  const float h = lambda_of(sigma_t) - lambda_s0;
  const Tensor& m0 = x0_history_.back();  // the previous step's x0: the history is not updated yet
  std::vector<float> rks;
  std::vector<const Tensor*> ms;
  for (int64_t k = 1; k < order; ++k) {
    rks.push_back((lambda_of(s[i - (k + 1)]) - lambda_s0) / h);
    ms.push_back(&x0_history_[x0_history_.size() - 1 - k]);
  }
  UniCoefficients c = coefficients(h, rks, order, cfg_.solver_type == "bh2");
  std::vector<float> rhos;
  if (order == 1) rhos = {0.5f};
  else {
    std::vector<std::vector<float>> r(static_cast<size_t>(order), std::vector<float>(static_cast<size_t>(order)));
    for (int64_t a = 0; a < order; ++a)
      for (int64_t k = 0; k < order; ++k) r[a][k] = std::pow(c.rks[k], static_cast<float>(a));
    rhos = solve(r, c.b);
  }
  const float ratio = sigma_t / sigma_s0, coef_m0 = alpha_t * c.h_phi_1, coef_res = alpha_t * c.b_h;
  const float rho_last = rhos.back();
  Tensor out = Tensor::empty(this_x0.shape());
  for (int64_t e = 0; e < out.numel(); ++e) {
    const float m = m0.f32()[e];
    float corr = 0.0f;
    for (size_t k = 0; k < rks.size(); ++k) corr += rhos[k] * ((ms[k]->f32()[e] - m) / rks[k]);
    const float xt = ratio * last_sample.f32()[e] - coef_m0 * m;
    out.f32()[e] = xt - coef_res * (corr + rho_last * (this_x0.f32()[e] - m));
  }
  return out;
}

}  // namespace gpuq
