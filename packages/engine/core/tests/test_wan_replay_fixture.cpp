// The replay over the shared wan-tiny fixture: every reference tensor recomputed from inputs only
// (token ids and masks, in.*, initial_latents, vae_decode.latents, scheduler configs), all within
// tolerance; then over a copy holding only those inputs, where the same tensors come out.
#include <sys/stat.h>
#include <unistd.h>

#include "io/safetensors.h"
#include "replay/replay.h"
#include "test_util.h"

using namespace gpuq;

namespace {

bool is_input(const TensorSpec& s) {
  return s.tolerance.input || s.name.rfind("in.", 0) == 0 || s.name.find("input_ids") != std::string::npos ||
         s.name.find("attention_mask") != std::string::npos;
}

std::string inputs_only_copy(const std::string& dir, const Manifest& m) {
  char tmpl[] = "/tmp/gpuq-wan-inputs-XXXXXX";
  std::string out = mkdtemp(tmpl);
  for (const char* link : {"model_index.json", "manifest.json", "transformer", "vae", "text_encoder", "scheduler"})
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
  std::string dir = test::fixture_dir("wan-tiny");
  Manifest m = Manifest::load(dir);
  auto be = make_backend("cpu", default_thread_count());
  char tmpl[] = "/tmp/gpuq-wan-replay-XXXXXX";
  std::string out = mkdtemp(tmpl);
  ReplayReport r = replay_fixture(dir, out, be);
  std::fputs(r.format().c_str(), stdout);
  int compared = 0, listed = 0;
  for (const auto& row : r.rows) compared += row.compared;
  for (const auto& [file, specs] : m.files) listed += static_cast<int>(specs.size());
  CHECK(r.ok());
  CHECK(compared > 80);
  SafeTensorsFile loops = SafeTensorsFile::open(out + "/reference/loops.safetensors");
  CHECK(loops.get("unipc_flow.timesteps").dtype() == DType::I64);
  CHECK(loops.get("flow_euler.frames_uint8").dtype() == DType::U8);

  std::string inputs = inputs_only_copy(dir, m);
  std::string out2 = out + "-inputs";
  ReplayReport r2 = replay_fixture(inputs, out2, be);
  int compared2 = 0;
  for (const auto& row : r2.rows) compared2 += row.compared;
  CHECK(r2.ok());
  CHECK(compared2 == 0);
  for (const auto& [file, specs] : m.files) {
    SafeTensorsFile a = SafeTensorsFile::open(out + "/" + file), b = SafeTensorsFile::open(out2 + "/" + file);
    CHECK(a.names() == b.names());
    for (const auto& name : a.names()) CHECK(a.get(name).to_vector() == b.get(name).to_vector());
  }
  std::system(("rm -rf " + out + " " + out2 + " " + inputs).c_str());
  return test::finish("test_wan_replay_fixture");
}
