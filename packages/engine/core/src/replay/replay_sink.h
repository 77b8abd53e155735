// Collects the tensors a replay produces per reference file, compares each with the fixture's
// value (when present) and writes the files at the end in the manifest's dtypes.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "io/manifest.h"
#include "io/safetensors.h"
#include "replay/replay.h"

namespace gpuq {

class ReplaySink {
 public:
  ReplaySink(const Manifest& m, std::string out_dir, ReplayReport& report);

  bool has_file(const std::string& file) const { return m_.file(file) != nullptr; }
  bool wants(const std::string& file, const std::string& name) const { return m_.spec(file, name) != nullptr; }
  // An input tensor as stored in the fixture (NotFound when the fixture lacks it). It is also
  // copied to the output, as the reference files carry their inputs.
  Tensor input(const std::string& file, const std::string& name);
  bool has_input(const std::string& file, const std::string& name);
  // A computed tensor; ignored when the manifest does not list it.
  void put(const std::string& file, const std::string& name, const Tensor& t);
  void compare_png(const std::string& relpath, const Tensor& hwc_u8);
  // Writes every file and adds "not produced" rows for manifest entries never put.
  void flush();

 private:
  const SafeTensorsFile* reference(const std::string& file);

  const Manifest& m_;
  std::string out_dir_;
  ReplayReport& report_;
  std::map<std::string, std::unique_ptr<SafeTensorsFile>> refs_;
  std::map<std::string, bool> ref_missing_;
  std::map<std::string, std::map<std::string, Tensor>> out_;
};

}  // namespace gpuq
