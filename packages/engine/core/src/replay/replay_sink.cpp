#include "replay/replay_sink.h"

#include <sys/stat.h>

#include <cstdio>
#include <sstream>

#include "io/png.h"
#include "models/weights.h"
#include "util/error.h"

namespace gpuq {

namespace {
DType manifest_dtype(const std::string& d) {
  if (d == "int64") return DType::I64;
  if (d == "uint8") return DType::U8;
  return DType::F32;
}

void make_dirs(const std::string& path) {
  std::string cur;
  std::stringstream ss(path);
  std::string part;
  if (!path.empty() && path[0] == '/') cur = "/";
  while (std::getline(ss, part, '/')) {
    if (part.empty()) continue;
    cur += part + "/";
    mkdir(cur.c_str(), 0755);
  }
}
}  // namespace

ReplaySink::ReplaySink(const Manifest& m, std::string out_dir, ReplayReport& report)
    : m_(m), out_dir_(std::move(out_dir)), report_(report) {}

const SafeTensorsFile* ReplaySink::reference(const std::string& file) {
  if (ref_missing_[file]) return nullptr;
  auto it = refs_.find(file);
  if (it != refs_.end()) return it->second.get();
  std::string path = m_.dir + "/" + file;
  if (!is_file(path)) {
    ref_missing_[file] = true;
    return nullptr;
  }
  auto f = std::make_unique<SafeTensorsFile>(SafeTensorsFile::open(path));
  return (refs_[file] = std::move(f)).get();
}

bool ReplaySink::has_input(const std::string& file, const std::string& name) {
  const SafeTensorsFile* ref = reference(file);
  return ref && ref->has(name);
}

Tensor ReplaySink::input(const std::string& file, const std::string& name) {
  const SafeTensorsFile* ref = reference(file);
  check(ref && ref->has(name), ErrorCode::NotFound, "replay input " + file + ":" + name + " not in the fixture");
  Tensor t = ref->get(name);
  if (wants(file, name)) out_[file][name] = t;
  return t;
}

void ReplaySink::put(const std::string& file, const std::string& name, const Tensor& t) {
  const TensorSpec* spec = m_.spec(file, name);
  if (!spec) return;
  Tensor v = t.to_dtype(manifest_dtype(spec->dtype));
  if (v.shape() != spec->shape && shape_numel(v.shape()) == shape_numel(spec->shape)) v = v.reshape(spec->shape);
  out_[file][name] = v;
  ReplayRow row;
  row.file = file;
  row.name = name;
  const SafeTensorsFile* ref = reference(file);
  if (ref && ref->has(name) && !spec->tolerance.input) {
    CompareResult r = compare_tensors(v, ref->get(name), spec->tolerance);
    row.compared = true;
    row.pass = r.pass;
    row.max_abs = r.max_abs;
    row.worst_ratio = r.worst_ratio;
    row.note = r.note;
    if (v.dtype() == DType::U8 && r.note.empty()) {
      Tensor rt = ref->get(name);
      for (int64_t i = 0; i < v.numel(); ++i) row.differing += v.u8()[i] != rt.u8()[i];
    }
  }
  report_.rows.push_back(row);
}

void ReplaySink::compare_png(const std::string& relpath, const Tensor& hwc_u8) {
  std::string out_path = out_dir_ + "/" + relpath;
  make_dirs(out_path.substr(0, out_path.rfind('/')));
  write_png_rgb(out_path, hwc_u8);
  ReplayRow row;
  row.file = relpath;
  row.name = "(png pixels)";
  std::string ref_path = m_.dir + "/" + relpath;
  if (is_file(ref_path)) {
    Tensor ref = read_png_rgb(ref_path);
    Tolerance tol;
    tol.exact = true;
    CompareResult r = compare_tensors(hwc_u8, ref, tol);
    row.compared = true;
    row.pass = r.pass;
    row.max_abs = r.max_abs;
    row.worst_ratio = r.worst_ratio;
    row.note = r.note;
    if (r.note.empty())
      for (int64_t i = 0; i < ref.numel(); ++i) row.differing += hwc_u8.u8()[i] != ref.u8()[i];
  }
  report_.rows.push_back(row);
}

void ReplaySink::flush() {
  for (const auto& [file, specs] : m_.files) {
    auto& produced = out_[file];
    for (const auto& spec : specs)
      if (!produced.count(spec.name)) {
        ReplayRow row;
        row.file = file;
        row.name = spec.name;
        row.pass = false;
        row.note = "not produced";
        report_.rows.push_back(row);
      }
    if (produced.empty()) continue;
    std::string path = out_dir_ + "/" + file;
    make_dirs(path.substr(0, path.rfind('/')));
    write_safetensors(path, produced);
  }
}

}  // namespace gpuq
