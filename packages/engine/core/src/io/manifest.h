// A fixture folder's manifest.json: for each reference file, each tensor's name, shape, dtype,
// inputs and tolerance. Used by the fixture tests and by `replay`.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "tensor/tensor.h"
#include "util/json.h"

namespace gpuq {

struct Tolerance {
  double atol = 0, rtol = 0;
  bool exact = false;  // ids, masks, int timesteps (and uint8 images, with |Δ| <= 1)
  bool input = false;  // "input data: use as given"
};

struct TensorSpec {
  std::string name;
  Shape shape;
  std::string dtype;  // "float32", "int64", "uint8"
  std::vector<std::string> inputs;
  Tolerance tolerance;
};

struct Manifest {
  std::string dir;  // the fixture folder
  json::Value raw;
  // "reference/unet_forward.safetensors" -> specs in manifest order
  std::vector<std::pair<std::string, std::vector<TensorSpec>>> files;

  static Manifest load(const std::string& fixture_dir);
  const std::vector<TensorSpec>* file(const std::string& relpath) const;
  const TensorSpec* spec(const std::string& relpath, const std::string& name) const;
};

struct CompareResult {
  double max_abs = 0;     // worst |engine - ref|
  double worst_ratio = 0; // worst |engine - ref| / (atol + rtol |ref|); pass when <= 1
  int64_t mismatches = 0; // elements out of tolerance
  bool pass = true;
  std::string note;       // shape/dtype problems
};

// Elementwise |a - ref| <= atol + rtol |ref|; exact specs use atol 0 (uint8: atol 1).
CompareResult compare_tensors(const Tensor& engine, const Tensor& ref, const Tolerance& tol);

}  // namespace gpuq
