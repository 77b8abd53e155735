// Full SDXL loops (every scheduler, CFG, size conditioning, zero negative) against
// sdxl-tiny/reference/loops.safetensors: each step's tensors, the decode and the 8-bit image.
#include "loop_request.h"
#include "pipeline/sdxl.h"
#include "test_util.h"

using namespace gpuq;

int main() {
  std::string dir = test::fixture_dir("sdxl-tiny");
  Manifest m = Manifest::load(dir);
  const std::string file = "reference/loops.safetensors";
  SafeTensorsFile ref = SafeTensorsFile::open(dir + "/" + file);
  SafeTensorsFile te = SafeTensorsFile::open(dir + "/reference/text_encoders.safetensors");
  auto pipe = SdxlPipeline::load(dir, make_backend("cpu", default_thread_count()));
  const json::Value& params = m.raw.at("parameters");

  for (const auto& loop : params.at("loops").as_array()) {
    std::string name = loop.at("name").as_string();
    std::string sched = loop.at("scheduler").as_string();
    GenerateRequest req = test::loop_request(params, loop, te, ref);
    // The loop's scheduler config as the reference wrote it.
    std::string cfg_path = dir + "/reference/scheduler_" + sched + ".json";
    Trace trace;
    std::printf("loop %s (%s, %lld steps)\n", name.c_str(), sched.c_str(), static_cast<long long>(req.steps));
    pipe->generate(req, {}, &trace);
    SchedulerConfig expect = SchedulerConfig::from_json(json::parse_file(cfg_path));
    CHECK(expect.kind == pipe->resolve_scheduler(sched).kind);
    CHECK(expect.use_karras_sigmas == pipe->resolve_scheduler(sched).use_karras_sigmas);
    for (const auto& spec : *m.file(file)) {
      if (spec.name.rfind(name + ".", 0) != 0 || spec.tolerance.input) continue;
      std::string key = spec.name.substr(name.size() + 1);
      auto it = trace.find(key);
      if (it == trace.end()) {
        std::fprintf(stderr, "  %s: not produced\n", spec.name.c_str());
        ++test::failures();
        continue;
      }
      test::expect_ref(m, file, ref, spec.name, it->second);
    }
  }
  return test::finish("test_loops_fixture");
}
