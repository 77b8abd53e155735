// safetensors files: read by memory-mapping (tensors are views into the mapping, no copy) and
// written with the same layout PyTorch's writer uses (8-byte LE header length, JSON header padded
// with spaces to a multiple of 8, then raw little-endian data), so reference tools can read ours.
// Errors: NotFound (missing file or tensor), BadFormat (truncated file, bad header, offsets out
// of range), Unsupported (dtype the engine does not read).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace gpuq {

class SafeTensorsFile {
 public:
  // Maps `path` read-only. The mapping lives while this object or any returned tensor lives.
  static SafeTensorsFile open(const std::string& path);

  const std::string& path() const { return path_; }
  bool has(const std::string& name) const { return entries_.count(name) != 0; }
  std::vector<std::string> names() const;
  // The tensor as stored (its own dtype), borrowing the mapping.
  Tensor get(const std::string& name) const;
  const std::map<std::string, std::string>& metadata() const { return metadata_; }

 private:
  struct Entry {
    DType dtype;
    Shape shape;
    size_t begin, end;
  };
  std::string path_;
  std::shared_ptr<void> mapping_;
  const char* data_ = nullptr;  // start of the data section
  std::map<std::string, Entry> entries_;
  std::map<std::string, std::string> metadata_;
};

// Writes tensors (in name order) with `{"format": "pt"}` metadata. Throws NotFound if the file
// cannot be created.
void write_safetensors(const std::string& path, const std::map<std::string, Tensor>& tensors);

}  // namespace gpuq
