// The replay over the shared sdxl-tiny fixture: every reference tensor and PNG recomputed from
// inputs only, all within tolerance, and the same tensors from a copy holding only the inputs
// (replay_checks.h).
#include "replay_checks.h"

using namespace gpuq;

int main() {
  std::string dir = test::fixture_dir("sdxl-tiny");
  Manifest m = Manifest::load(dir);
  auto be = make_backend("cpu", default_thread_count());
  std::string out = test::replay_within_tolerance(dir, be, 200);
  SafeTensorsFile loops = SafeTensorsFile::open(out + "/reference/loops.safetensors");
  CHECK(loops.get("dpmpp_2m_karras.timesteps").dtype() == DType::I64);
  CHECK(loops.get("euler.image_uint8").dtype() == DType::U8);
  CHECK(is_file(out + "/reference/image_euler.png"));
  test::check_replay_from_inputs_only(dir, m, be, out);
  std::system(("rm -rf " + out).c_str());
  return test::finish("test_replay_fixture");
}
