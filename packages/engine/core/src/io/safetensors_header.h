// The header of a safetensors file, read without mapping or reading its data: what a model check
// needs (names, dtypes as spelled in the file, shapes, offsets) even for files of tens of GB.
// dtypes stay strings so a dtype the engine does not read can be reported with its tensor.
// Errors: NotFound (cannot open), BadFormat (truncated file, bad JSON, offsets past the end or not
// matching the shape); every message names the file and, where one is at fault, the tensor.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace gpuq {

struct TensorHeader {
  std::string name;
  std::string dtype;  // safetensors spelling: "F32", "F16", "BF16", "F8_E4M3", ...
  Shape shape;
  uint64_t begin = 0, end = 0;  // byte offsets in the data section
};

struct SafeTensorsHeader {
  std::string path;
  uint64_t file_size = 0;
  std::vector<TensorHeader> tensors;  // in header order
};

SafeTensorsHeader read_safetensors_header(const std::string& path);

// Bytes per element of a safetensors dtype name, 0 when the name is unknown.
size_t safetensors_dtype_size(const std::string& dtype);

}  // namespace gpuq
