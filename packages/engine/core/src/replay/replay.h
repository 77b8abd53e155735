// Replay of a fixture folder (laid out like packages/engine/test/golden/<name>/): takes only the
// inputs of each reference tensor (token ids, latents, noise, configs, the manifest's parameters),
// recomputes every reference tensor and PNG with the engine, writes them under
// <out_dir>/reference/ with the fixture's file names, tensor names, shapes and dtypes, and, where
// the fixture holds the reference values, compares them with the manifest's tolerances.
// Errors: NotFound (missing manifest / inputs), Unsupported (a pipeline this engine lacks).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "backend/backend.h"

namespace gpuq {

struct ReplayRow {
  std::string file, name;
  bool compared = false;  // false when the fixture holds no reference for it (inputs-only folder)
  bool pass = true;
  double max_abs = 0, worst_ratio = 0;
  int64_t differing = 0;  // elements that differ at all (reported for 8-bit images)
  std::string note;
};

struct ReplayReport {
  std::string pipeline;
  std::vector<ReplayRow> rows;
  bool ok() const;
  // One line per tensor plus a summary, for the CLI.
  std::string format() const;
};

ReplayReport replay_fixture(const std::string& fixture_dir, const std::string& out_dir,
                            std::shared_ptr<Backend> backend);

}  // namespace gpuq
