// Scheduler tables against sdxl-tiny/reference/schedulers.safetensors, with the configs the
// loops used (reference/scheduler_<name>.json, including DPM's -Infinity).
#include "sched/scheduler.h"
#include "test_util.h"

using namespace gpuq;

int main() {
  std::string dir = test::fixture_dir("sdxl-tiny");
  Manifest m = Manifest::load(dir);
  const std::string file = "reference/schedulers.safetensors";
  SafeTensorsFile ref = SafeTensorsFile::open(dir + "/" + file);
  int compared = 0;
  for (const auto& spec : *m.file(file)) {
    // <sched>.<n>.<field>
    size_t a = spec.name.find('.'), b = spec.name.find('.', a + 1);
    std::string name = spec.name.substr(0, a), field = spec.name.substr(b + 1);
    int64_t steps = std::stoll(spec.name.substr(a + 1, b - a - 1));
    SchedulerConfig cfg =
        SchedulerConfig::from_json(json::parse_file(dir + "/reference/scheduler_" + name + ".json"));
    Schedule s = make_schedule(cfg, steps);
    Tensor got;
    if (field == "timesteps") {
      got = Tensor::empty({steps}, s.integer_timesteps ? DType::I64 : DType::F32);
      for (int64_t i = 0; i < steps; ++i) {
        if (s.integer_timesteps) got.i64()[i] = static_cast<int64_t>(s.timesteps[i]);
        else got.f32()[i] = static_cast<float>(s.timesteps[i]);
      }
    } else if (field == "sigmas") {
      got = Tensor::from_vector({steps + 1}, s.sigmas);
    } else {
      got = Tensor::from_vector({}, {s.init_noise_sigma});
    }
    test::expect_ref(m, file, ref, spec.name, got);
    ++compared;
  }
  CHECK(compared > 0);
  return test::finish("test_schedulers_fixture");
}
