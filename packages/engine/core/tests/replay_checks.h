// What the sdxl-tiny and wan-tiny replay tests check alike: a replay recomputes every reference
// tensor within tolerance; a replay of a copy that holds only the inputs compares nothing and
// writes the very same tensors, which shows no output depends on a stored reference value.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "io/safetensors.h"
#include "models/weights.h"
#include "replay/replay.h"
#include "test_util.h"

namespace gpuq::test {

inline bool is_replay_input(const TensorSpec& s) {
  return s.tolerance.input || s.name.rfind("in.", 0) == 0 || s.name.find("input_ids") != std::string::npos ||
         s.name.find("attention_mask") != std::string::npos;
}

// A fixture copy: model folders and top-level files symlinked, the scheduler configs under
// reference/ symlinked, every reference file cut down to its input tensors.
inline std::string inputs_only_copy(const std::string& dir, const Manifest& m) {
  char tmpl[] = "/tmp/gpuq-inputs-XXXXXX";
  std::string out = mkdtemp(tmpl);
  for (const auto& name : list_dir(dir))
    if (name != "reference") CHECK(symlink((dir + "/" + name).c_str(), (out + "/" + name).c_str()) == 0);
  CHECK(mkdir((out + "/reference").c_str(), 0755) == 0);
  for (const auto& name : list_dir(dir + "/reference"))
    if (name.rfind("scheduler_", 0) == 0)
      CHECK(symlink((dir + "/reference/" + name).c_str(), (out + "/reference/" + name).c_str()) == 0);
  for (const auto& [file, specs] : m.files) {
    SafeTensorsFile ref = SafeTensorsFile::open(dir + "/" + file);
    std::map<std::string, Tensor> keep;
    for (const auto& s : specs)
      if (is_replay_input(s)) keep[s.name] = ref.get(s.name);
    if (!keep.empty()) write_safetensors(out + "/" + file, keep);
  }
  return out;
}

// Replays the fixture into a new temporary folder (returned): every row passes and at least
// `min_compared` reference values were compared.
inline std::string replay_within_tolerance(const std::string& dir, std::shared_ptr<Backend> be, int min_compared) {
  char tmpl[] = "/tmp/gpuq-replay-XXXXXX";
  std::string out = mkdtemp(tmpl);
  ReplayReport r = replay_fixture(dir, out, be);
  std::fputs(r.format().c_str(), stdout);
  int compared = 0;
  for (const auto& row : r.rows) compared += row.compared;
  CHECK(r.ok());
  CHECK(compared >= min_compared);
  return out;
}

// Replays an inputs-only copy of the fixture: nothing to compare (PNG pixel rows aside, which
// compare against the replay's own PNGs), and every tensor identical to the full replay's `out`.
inline void check_replay_from_inputs_only(const std::string& dir, const Manifest& m, std::shared_ptr<Backend> be,
                                          const std::string& out) {
  std::string inputs = inputs_only_copy(dir, m);
  std::string out2 = out + "-inputs";
  ReplayReport r2 = replay_fixture(inputs, out2, be);
  int compared = 0;
  for (const auto& row : r2.rows) compared += row.compared && row.name != "(png pixels)";
  CHECK(r2.ok());
  CHECK(compared == 0);
  for (const auto& [file, specs] : m.files) {
    SafeTensorsFile a = SafeTensorsFile::open(out + "/" + file), b = SafeTensorsFile::open(out2 + "/" + file);
    CHECK(a.names() == b.names());
    for (const auto& name : a.names()) CHECK(a.get(name).to_vector() == b.get(name).to_vector());
  }
  std::system(("rm -rf " + out2 + " " + inputs).c_str());
}

}  // namespace gpuq::test
