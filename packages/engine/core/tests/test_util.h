// Minimal test harness for the core's ctest executables: CHECK macros that count failures,
// fixture lookup (a missing fixture folder fails the test: the fixtures ship in test/golden),
// and reference comparison against a fixture manifest's tolerances with a one-line report per
// tensor.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "io/manifest.h"
#include "io/safetensors.h"
#include "util/error.h"
#include "models/weights.h"
#include "util/thread_pool.h"

namespace gpuq::test {

inline int& failures() {
  static int n = 0;
  return n;
}

#define CHECK(cond)                                                         \
  do {                                                                      \
    if (!(cond)) {                                                          \
      std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      ++::gpuq::test::failures();                                           \
    }                                                                       \
  } while (0)

#define CHECK_NEAR(a, b, tol) CHECK(std::fabs((a) - (b)) <= (tol))

// The largest |a - ref| over the largest |ref| (fp32 tensors of equal size): how far a
// half-precision run strays from the fp32 reference, relative to the reference's scale.
inline double max_rel_err(const Tensor& a, const Tensor& ref) {
  double err = 0, mx = 0;
  for (int64_t i = 0; i < ref.numel(); ++i) {
    err = std::max(err, double(std::fabs(a.f32()[i] - ref.f32()[i])));
    mx = std::max(mx, double(std::fabs(ref.f32()[i])));
  }
  return err / mx;
}

inline int finish(const char* name) {
  if (failures()) {
    std::fprintf(stderr, "%s: %d failure(s)\n", name, failures());
    return 1;
  }
  std::printf("%s: ok\n", name);
  return 0;
}

// The fixture folder (GPUQ_FIXTURES overrides the in-repository packages/engine/test/golden).
// A missing folder is a failure, never a skip: these are the checks against diffusers that
// matter most, and a skip would let a broken checkout pass unnoticed.
inline std::string fixture_dir(const std::string& name) {
  std::string root = std::getenv("GPUQ_FIXTURES") ? std::getenv("GPUQ_FIXTURES") : GPUQ_FIXTURES_DIR;
  std::string dir = root + "/" + name;
  if (!is_file(dir + "/manifest.json")) {
    std::fprintf(stderr,
                 "\n*** FAILED: fixture folder %s not found (no manifest.json). The fixtures ship in the "
                 "repository at packages/engine/test/golden; GPUQ_FIXTURES, when set, must point at a "
                 "folder holding sdxl-tiny/ and wan-tiny/. ***\n\n",
                 dir.c_str());
    std::exit(1);
  }
  std::printf("fixtures: %s\n", dir.c_str());
  return dir;
}

// Compares `engine` with reference tensor `name` of `file` using the manifest's tolerance.
inline void expect_ref(const Manifest& m, const std::string& file, const SafeTensorsFile& ref,
                       const std::string& name, const Tensor& engine) {
  const TensorSpec* spec = m.spec(file, name);
  if (!spec) {
    std::fprintf(stderr, "no manifest entry for %s:%s\n", file.c_str(), name.c_str());
    ++failures();
    return;
  }
  CompareResult r = compare_tensors(engine, ref.get(name), spec->tolerance);
  std::printf("  %-48s max|err| %.3g  (%.2f of tol)%s %s\n", name.c_str(), r.max_abs, r.worst_ratio,
              r.pass ? "" : "  FAIL", r.note.c_str());
  if (!r.pass) ++failures();
}

}  // namespace gpuq::test
