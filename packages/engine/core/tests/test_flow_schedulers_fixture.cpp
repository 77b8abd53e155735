// Flow-matching Euler and UniPC (flow) against wan-tiny/reference: the timestep / sigma tables of
// schedulers.safetensors, then every step of both loops of loops.safetensors, each from the
// stored latents and guided velocity (so a step's error does not carry into the next).
#include "sched/flow_scheduler.h"
#include "test_util.h"

using namespace gpuq;

static Tensor table(const std::vector<double>& v, bool integer) {
  Tensor t = Tensor::empty({static_cast<int64_t>(v.size())}, integer ? DType::I64 : DType::F32);
  for (size_t i = 0; i < v.size(); ++i) {
    if (integer) t.i64()[i] = static_cast<int64_t>(v[i]);
    else t.f32()[i] = static_cast<float>(v[i]);
  }
  return t;
}

int main() {
  std::string dir = test::fixture_dir("wan-tiny");
  Manifest m = Manifest::load(dir);
  const std::string sfile = "reference/schedulers.safetensors", lfile = "reference/loops.safetensors";
  SafeTensorsFile sref = SafeTensorsFile::open(dir + "/" + sfile);
  SafeTensorsFile lref = SafeTensorsFile::open(dir + "/" + lfile);
  for (std::string name : {"flow_euler", "unipc_flow"}) {
    auto cfg = FlowSchedulerConfig::from_json(json::parse_file(dir + "/reference/scheduler_" + name + ".json"));
    for (const auto& spec : *m.file(sfile)) {
      if (spec.name.rfind(name + ".", 0) != 0 || spec.name.find(".timesteps") == std::string::npos) continue;
      int64_t n = std::stoll(spec.name.substr(name.size() + 1));
      FlowSchedule s = make_flow_schedule(cfg, n);
      std::string p = name + "." + std::to_string(n) + ".";
      test::expect_ref(m, sfile, sref, p + "timesteps", table(s.timesteps, s.integer_timesteps));
      std::vector<double> sig(s.sigmas.begin(), s.sigmas.end());
      test::expect_ref(m, sfile, sref, p + "sigmas", table(sig, false));
    }
    const int64_t steps = lref.get(name + ".timesteps").numel();
    FlowScheduler sched(cfg, steps);
    Tensor x = lref.get("initial_latents");
    for (int64_t i = 0; i < steps; ++i) {
      std::string p = name + ".step" + std::to_string(i) + ".";
      test::expect_ref(m, lfile, lref, p + "t", Tensor::full({1}, sched.timestep(i)));
      test::expect_ref(m, lfile, lref, p + "latents", sched.step(lref.get(p + "noise_pred"), i, x));
      x = lref.get(p + "latents");
    }
  }
  return test::finish("test_flow_schedulers_fixture");
}
