// The replay over the shared sdxl-tiny fixture: every reference tensor and PNG recomputed from
// inputs only, written to a temporary folder, all within tolerance. Then the same replay over a
// copy of the fixture that holds only the inputs: nothing compared, nothing missing, and the
// same tensors written, which shows no output depends on a stored reference value.
#include <sys/stat.h>
#include <unistd.h>

#include "io/safetensors.h"
#include "replay/replay.h"
#include "test_util.h"

using namespace gpuq;

namespace {

bool is_input(const TensorSpec& s) {
  return s.tolerance.input || s.name.rfind("in.", 0) == 0 || s.name.find("input_ids") != std::string::npos;
}

// A fixture copy whose reference files keep only the input tensors (model folders symlinked).
std::string inputs_only_copy(const std::string& dir, const Manifest& m) {
  char tmpl[] = "/tmp/gpuq-inputs-XXXXXX";
  std::string out = mkdtemp(tmpl);
  for (const char* link : {"model_index.json", "manifest.json", "unet", "vae", "text_encoder", "text_encoder_2",
                           "scheduler"})
    CHECK(symlink((dir + "/" + link).c_str(), (out + "/" + link).c_str()) == 0);
  CHECK(mkdir((out + "/reference").c_str(), 0755) == 0);
  for (const auto& name : list_dir(dir + "/reference"))
    if (name.rfind("scheduler_", 0) == 0)
      CHECK(symlink((dir + "/reference/" + name).c_str(), (out + "/reference/" + name).c_str()) == 0);
  for (const auto& [file, specs] : m.files) {
    SafeTensorsFile ref = SafeTensorsFile::open(dir + "/" + file);
    std::map<std::string, Tensor> keep;
    for (const auto& s : specs)
      if (is_input(s)) keep[s.name] = ref.get(s.name);
    if (!keep.empty()) write_safetensors(out + "/" + file, keep);
  }
  return out;
}

}  // namespace

int main() {
  std::string dir = test::fixture_dir("sdxl-tiny");
  Manifest m = Manifest::load(dir);
  auto be = make_backend("cpu", default_thread_count());
  char tmpl[] = "/tmp/gpuq-replay-XXXXXX";
  std::string out = mkdtemp(tmpl);
  ReplayReport r = replay_fixture(dir, out, be);
  int compared = 0;
  for (const auto& row : r.rows) {
    compared += row.compared;
    if (!row.pass) std::fprintf(stderr, "MISS %s %s %s\n", row.file.c_str(), row.name.c_str(), row.note.c_str());
  }
  std::printf("%d rows, %d compared\n", static_cast<int>(r.rows.size()), compared);
  CHECK(r.ok());
  CHECK(compared > 200);
  SafeTensorsFile loops = SafeTensorsFile::open(out + "/reference/loops.safetensors");
  CHECK(loops.get("dpmpp_2m_karras.timesteps").dtype() == DType::I64);
  CHECK(loops.get("euler.image_uint8").dtype() == DType::U8);
  CHECK(is_file(out + "/reference/image_euler.png"));

  std::string inputs = inputs_only_copy(dir, m);
  std::string out2 = out + "-inputs";
  ReplayReport r2 = replay_fixture(inputs, out2, be);
  int compared2 = 0;
  for (const auto& row : r2.rows) compared2 += row.compared && row.name != "(png pixels)";
  CHECK(r2.ok());
  CHECK(compared2 == 0);
  for (const auto& [file, specs] : m.files) {
    SafeTensorsFile a = SafeTensorsFile::open(out + "/" + file), b = SafeTensorsFile::open(out2 + "/" + file);
    CHECK(a.names() == b.names());
    for (const auto& name : a.names()) CHECK(a.get(name).to_vector() == b.get(name).to_vector());
  }
  std::system(("rm -rf " + out + " " + out2 + " " + inputs).c_str());
  return test::finish("test_replay_fixture");
}
