// The replay over the shared wan-tiny fixture: every reference tensor recomputed from inputs only
// (token ids and masks, in.*, initial_latents, vae_decode.latents, scheduler configs), all within
// tolerance, and the same tensors from a copy holding only those inputs (replay_checks.h).
#include "replay_checks.h"

using namespace gpuq;

int main() {
  std::string dir = test::fixture_dir("wan-tiny");
  Manifest m = Manifest::load(dir);
  auto be = make_backend("cpu", default_thread_count());
  std::string out = test::replay_within_tolerance(dir, be, 80);
  SafeTensorsFile loops = SafeTensorsFile::open(out + "/reference/loops.safetensors");
  CHECK(loops.get("unipc_flow.timesteps").dtype() == DType::I64);
  CHECK(loops.get("flow_euler.frames_uint8").dtype() == DType::U8);
  test::check_replay_from_inputs_only(dir, m, be, out);
  std::system(("rm -rf " + out).c_str());
  return test::finish("test_wan_replay_fixture");
}
