#include "io/manifest.h"

#include <cmath>

#include "util/error.h"

namespace gpuq {

Manifest Manifest::load(const std::string& fixture_dir) {
  Manifest m;
  m.dir = fixture_dir;
  m.raw = json::parse_file(fixture_dir + "/manifest.json");
  for (const auto& f : m.raw.at("files").as_array()) {
    std::vector<TensorSpec> specs;
    for (const auto& t : f.at("tensors").as_array()) {
      TensorSpec s;
      s.name = t.at("name").as_string();
      s.shape = t.at("shape").int_list();
      s.dtype = t.at("dtype").as_string();
      if (const json::Value* in = t.find("inputs")) s.inputs = in->string_list();
      if (const json::Value* tol = t.find("tolerance")) {
        s.tolerance.atol = tol->number_or("atol", 0);
        s.tolerance.rtol = tol->number_or("rtol", 0);
        std::string note = tol->string_or("note", "");
        s.tolerance.exact = note.rfind("exact", 0) == 0;
        s.tolerance.input = note.rfind("input", 0) == 0;
      }
      specs.push_back(std::move(s));
    }
    m.files.emplace_back(f.at("file").as_string(), std::move(specs));
  }
  return m;
}

const std::vector<TensorSpec>* Manifest::file(const std::string& relpath) const {
  for (const auto& f : files)
    if (f.first == relpath) return &f.second;
  return nullptr;
}

const TensorSpec* Manifest::spec(const std::string& relpath, const std::string& name) const {
  if (const auto* specs = file(relpath))
    for (const auto& s : *specs)
      if (s.name == name) return &s;
  return nullptr;
}

CompareResult compare_tensors(const Tensor& engine, const Tensor& ref, const Tolerance& tol) {
  CompareResult r;
  if (engine.shape() != ref.shape()) {
    r.pass = false;
    r.note = "shape " + shape_str(engine.shape()) + " != reference " + shape_str(ref.shape());
    return r;
  }
  if (engine.dtype() != ref.dtype()) {
    r.pass = false;
    r.note = std::string("dtype ") + dtype_name(engine.dtype()) + " != reference " + dtype_name(ref.dtype());
    return r;
  }
  std::vector<double> a, b;
  const int64_t n = ref.numel();
  a.resize(static_cast<size_t>(n));
  b.resize(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    if (ref.dtype() == DType::I64) {
      a[i] = static_cast<double>(engine.i64()[i]);
      b[i] = static_cast<double>(ref.i64()[i]);
    } else if (ref.dtype() == DType::U8) {
      a[i] = engine.u8()[i];
      b[i] = ref.u8()[i];
    } else {
      a[i] = engine.f32()[i];
      b[i] = ref.f32()[i];
    }
  }
  double atol = tol.atol, rtol = tol.rtol;
  if (tol.exact) {
    // A float error can flip an 8-bit rounding at .5, so images get one level of slack.
    atol = ref.dtype() == DType::U8 ? 1.0 : 0.0;
    rtol = 0.0;
  }
  for (int64_t i = 0; i < n; ++i) {
    double err = std::fabs(a[i] - b[i]);
    double bound = atol + rtol * std::fabs(b[i]);
    if (std::isnan(a[i]) != std::isnan(b[i])) err = INFINITY;
    r.max_abs = std::max(r.max_abs, err);
    double ratio = bound > 0 ? err / bound : (err > 0 ? INFINITY : 0.0);
    r.worst_ratio = std::max(r.worst_ratio, ratio);
    if (err > bound) ++r.mismatches;
  }
  r.pass = r.mismatches == 0;
  return r;
}

}  // namespace gpuq
