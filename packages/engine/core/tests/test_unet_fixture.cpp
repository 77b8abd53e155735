// One UNet forward with every intermediate against sdxl-tiny/reference/unet_forward.safetensors.
#include "models/unet.h"
#include "test_util.h"

using namespace gpuq;

int main() {
  std::string dir = test::fixture_dir("sdxl-tiny");
  auto be = make_backend("cpu", default_thread_count());
  Manifest m = Manifest::load(dir);
  const std::string file = "reference/unet_forward.safetensors";
  SafeTensorsFile ref = SafeTensorsFile::open(dir + "/" + file);
  UNet unet(Weights::load(dir + "/unet", *be), *be);
  UNetInputs in;
  in.sample = ref.get("in.sample");
  in.timesteps = {ref.get("in.timestep").item()};
  in.encoder_hidden_states = ref.get("in.encoder_hidden_states");
  in.text_embeds = ref.get("in.text_embeds");
  in.time_ids = ref.get("in.time_ids");
  Trace trace;
  unet.forward(in, &trace);
  int compared = 0;
  for (const auto& spec : *m.file(file)) {
    if (spec.name.rfind("in.", 0) == 0) continue;
    auto it = trace.find(spec.name);
    if (it == trace.end()) {
      std::fprintf(stderr, "  %s: not produced by the engine\n", spec.name.c_str());
      ++test::failures();
      continue;
    }
    test::expect_ref(m, file, ref, spec.name, it->second);
    ++compared;
  }
  std::printf("compared %d tensors\n", compared);
  return test::finish("test_unet_fixture");
}
