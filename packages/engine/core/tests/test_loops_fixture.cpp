// Full SDXL loops (every scheduler, CFG, size conditioning, zero negative) against
// sdxl-tiny/reference/loops.safetensors: each step's tensors, the decode and the 8-bit image.
#include "pipeline/sdxl.h"
#include "test_util.h"

using namespace gpuq;

namespace {
std::vector<int64_t> ids(const SafeTensorsFile& f, const std::string& name) {
  Tensor t = f.get(name);
  return std::vector<int64_t>(t.i64(), t.i64() + t.numel());
}
}  // namespace

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
    GenerateRequest req;
    req.prompt_ids_1 = ids(te, "prompt.input_ids_1");
    req.prompt_ids_2 = ids(te, "prompt.input_ids_2");
    if (loop.at("negative").as_bool()) {
      req.negative_ids_1 = ids(te, "negative.input_ids_1");
      req.negative_ids_2 = ids(te, "negative.input_ids_2");
    }
    req.height = params.at("height").as_int();
    req.width = params.at("width").as_int();
    req.steps = loop.at("steps").as_int();
    req.guidance_scale = static_cast<float>(params.at("guidance_scale").as_number());
    auto os = params.at("original_size").int_list(), cc = params.at("crops_coords_top_left").int_list(),
         ts = params.at("target_size").int_list();
    for (int k = 0; k < 2; ++k) {
      req.original_size[k] = os[k];
      req.crops_coords_top_left[k] = cc[k];
      req.target_size[k] = ts[k];
    }
    req.initial_latents = ref.get("initial_latents");
    for (int64_t i = 0; i < req.steps; ++i)
      if (ref.has(name + ".step" + std::to_string(i) + ".noise"))
        req.step_noise.push_back(ref.get(name + ".step" + std::to_string(i) + ".noise"));
    // The loop's scheduler config as the reference wrote it.
    std::string cfg_path = dir + "/reference/scheduler_" + sched + ".json";
    Trace trace;
    std::printf("loop %s (%s, %lld steps)\n", name.c_str(), sched.c_str(), static_cast<long long>(req.steps));
    req.scheduler = sched;
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
