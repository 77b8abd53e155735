// Reading a single-file SDXL checkpoint by its layout (models/sdxl_single_file.h): every check
// runs before any tensor is handed out, so a bad file fails at load naming file and tensor.
#include <cstring>
#include <memory>
#include <set>

#include "models/sdxl_single_file.h"
#include "util/error.h"

namespace gpuq {

namespace {

// [in, out] -> [out, in], element by element in the stored dtype (fp16 / bf16 files stay so).
Tensor transpose_2d(const Tensor& t) {
  const int64_t rows = t.dim(0), cols = t.dim(1);
  const size_t es = dtype_size(t.dtype());
  Tensor out = Tensor::empty({cols, rows}, t.dtype());
  const char* src = static_cast<const char*>(t.raw());
  char* dst = static_cast<char*>(out.raw());
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) std::memcpy(dst + (c * rows + r) * es, src + (r * cols + c) * es, es);
  return out;
}

Tensor to_diffusers(const Tensor& stored, const SingleFileSource& s) {
  switch (s.transform) {
    case SingleFileTransform::Conv1x1: return stored.reshape(s.shape);
    case SingleFileTransform::QkvPart: return stored.slice0(s.part * s.shape[0], s.shape[0]);
    case SingleFileTransform::Transposed: return transpose_2d(stored);
    case SingleFileTransform::None: break;
  }
  return stored;
}

}  // namespace

std::map<std::string, std::map<std::string, Tensor>> read_sdxl_single_file(
    const SafeTensorsFile& file, const std::vector<SdxlSingleFileComponent>& layout) {
  const std::string& path = file.path();
  // An SD 1.x / 2.x or refiner file has other encoders: say so instead of listing missing tensors.
  const std::string marker = "conditioner.embedders.1.model.positional_embedding";
  check(file.has(marker), ErrorCode::BadFormat,
        path + ": not an SDXL base single-file checkpoint (no tensor " + marker + ")");

  std::set<std::string> used;
  for (const auto& comp : layout)
    for (const auto& [param, s] : comp.params) {
      check(file.has(s.key), ErrorCode::NotFound,
            path + ": tensor " + s.key + " missing (" + comp.name + " " + param + ")");
      const Shape stored = file.get(s.key).shape();
      check(stored == s.file_shape, ErrorCode::BadFormat,
            path + ": tensor " + s.key + " has shape " + shape_str(stored) + ", the " + comp.name +
                " config needs " + shape_str(s.file_shape) + " (" + param + ")");
      used.insert(s.key);
    }
  for (const auto& key : file.names())
    check(used.count(key) || is_ignored_single_file_key(key), ErrorCode::BadFormat,
          path + ": tensor " + key + " belongs to no SDXL component of these configs");

  std::map<std::string, std::map<std::string, Tensor>> out;
  for (const auto& comp : layout) {
    auto& tensors = out[comp.name];
    for (const auto& [param, s] : comp.params) tensors[param] = to_diffusers(file.get(s.key), s);
  }
  return out;
}

}  // namespace gpuq
