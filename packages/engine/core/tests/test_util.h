// Minimal test harness for the core's ctest executables: CHECK macros that count failures,
// fixture lookup (exit 77 = skipped when ../shared/fixtures is absent), and reference
// comparison against a fixture manifest's tolerances with a one-line report per tensor.
#pragma once

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

inline int finish(const char* name) {
  if (failures()) {
    std::fprintf(stderr, "%s: %d failure(s)\n", name, failures());
    return 1;
  }
  std::printf("%s: ok\n", name);
  return 0;
}

// The fixture folder, or exit(77) with a loud message when it is absent.
inline std::string fixture_dir(const std::string& name) {
  std::string root = std::getenv("GPUQ_FIXTURES") ? std::getenv("GPUQ_FIXTURES") : GPUQ_FIXTURES_DIR;
  std::string dir = root + "/" + name;
  if (!is_file(dir + "/manifest.json")) {
    std::fprintf(stderr,
                 "\n*** SKIPPED: fixture folder %s not found. Put the shared fixtures at "
                 "<repo-root>/../shared/fixtures or set GPUQ_FIXTURES. ***\n\n",
                 dir.c_str());
    std::exit(77);
  }
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
