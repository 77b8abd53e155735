// The weights of one checkpoint component (a diffusers folder such as `unet/`), looked up by the
// names the checkpoint uses. Files are memory-mapped; fp32 tensors are used in place on the CPU
// backend, fp16/bf16 are widened to fp32 once at load (the CPU computes in fp32).
// Errors: NotFound when the folder has no weight file, no config.json or a required tensor is
// missing; BadFormat when a tensor is in two files. Pipelines check the folder first (model_check.h).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "io/safetensors.h"
#include "util/json.h"

namespace gpuq {

class Weights {
 public:
  // Reads the component's weight files (io/component_files.h: the shard index's, else every
  // *.safetensors, plain files before `.fp16.` variants) and its required `config.json`. `storage` is the dtype matrices
  // are kept in (Backend::upload_weight).
  static Weights load(const std::string& dir, Backend& backend, DType storage = DType::F32);
  // Weights built in memory (generator, benchmarks).
  static Weights from_tensors(std::map<std::string, Tensor> tensors, json::Value config, Backend& backend,
                              DType storage = DType::F32);

  const json::Value& config() const { return config_; }
  const std::string& dir() const { return dir_; }
  bool has(const std::string& name) const { return tensors_.count(name) != 0; }
  const Tensor& get(const std::string& name) const;
  const Tensor* find(const std::string& name) const;
  size_t count() const { return tensors_.size(); }
  size_t bytes() const;

 private:
  std::string dir_;
  json::Value config_;
  std::map<std::string, Tensor> tensors_;
};

// Returns true when `path` is an existing directory / regular file.
bool is_dir(const std::string& path);
bool is_file(const std::string& path);
std::vector<std::string> list_dir(const std::string& dir);

}  // namespace gpuq
