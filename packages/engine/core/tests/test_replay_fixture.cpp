// The replay over the shared sdxl-tiny fixture: every reference tensor and PNG recomputed from
// inputs only, written to a temporary folder, all within tolerance; the written files read back.
#include <unistd.h>

#include "io/safetensors.h"
#include "replay/replay.h"
#include "test_util.h"

using namespace gpuq;

int main() {
  std::string dir = test::fixture_dir("sdxl-tiny");
  char tmpl[] = "/tmp/gpuq-replay-XXXXXX";
  std::string out = mkdtemp(tmpl);
  ReplayReport r = replay_fixture(dir, out, make_backend("cpu", default_thread_count()));
  int compared = 0;
  for (const auto& row : r.rows) {
    compared += row.compared;
    if (!row.pass) std::fprintf(stderr, "MISS %s %s %s\n", row.file.c_str(), row.name.c_str(), row.note.c_str());
  }
  std::printf("%d rows, %d compared\n", static_cast<int>(r.rows.size()), compared);
  CHECK(r.ok());
  CHECK(compared > 200);
  // Written files carry the fixture's names and dtypes.
  SafeTensorsFile loops = SafeTensorsFile::open(out + "/reference/loops.safetensors");
  CHECK(loops.get("dpmpp_2m_karras.timesteps").dtype() == DType::I64);
  CHECK(loops.get("euler.image_uint8").dtype() == DType::U8);
  CHECK(is_file(out + "/reference/image_euler.png"));
  std::system(("rm -rf " + out).c_str());
  return test::finish("test_replay_fixture");
}
