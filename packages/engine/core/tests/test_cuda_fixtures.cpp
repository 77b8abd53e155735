// The SDXL and WAN fixtures (test/golden/sdxl-tiny, wan-tiny) replayed on the CUDA backend: every
// reference tensor recomputed from its inputs on the GPU and compared with diffusers' fp32 output.
// The manifest's tolerances are fp32-vs-fp64 ones; on the GPU the matrix products round their
// operands (TF32 for fp32 weights, fp16 for attention), so the stated tolerance here is
//   float tensors: max |err| <= 1e-2 * max |reference| + atol (about 10 ulp of fp16 at the
//     tensor's scale, through the whole network and every scheduler step);
//   integer tensors (token ids, timesteps): exact; 8-bit images and PNGs: |err| <= 3 levels.
// Skips (77) without a CUDA device; fails when the fixture folder is missing.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "cuda_test_util.h"
#include "replay/replay.h"
#include "test_util.h"

using namespace gpuq;

namespace {

double max_abs_of(const Tensor& t) {
  Tensor f = t.to_f32();
  double m = 0;
  for (int64_t i = 0; i < f.numel(); ++i) m = std::max(m, std::fabs(double(f.f32()[i])));
  return m;
}

// Replays one fixture on the GPU; returns the number of tensors compared.
int replay_on(const std::string& name, std::shared_ptr<Backend> gpu) {
  const std::string dir = test::fixture_dir(name);
  char tmpl[] = "/tmp/gpuq-cuda-replay-XXXXXX";
  const char* out = mkdtemp(tmpl);
  CHECK(out != nullptr);
  if (!out) return 0;
  ReplayReport report = replay_fixture(dir, out, gpu);
  Manifest m = Manifest::load(dir);
  int compared = 0;
  for (const ReplayRow& r : report.rows) {
    if (!r.compared) continue;
    ++compared;
    const TensorSpec* spec = m.spec(r.file, r.name);
    double limit = 3.0;  // PNG pixels and uint8 images, in levels of 255
    if (spec && spec->tolerance.exact && spec->dtype != "uint8") limit = 0;
    if (spec && !spec->tolerance.exact && spec->dtype == "float32") {
      SafeTensorsFile ref = SafeTensorsFile::open(dir + "/" + r.file);
      limit = 1e-2 * max_abs_of(ref.get(r.name)) + spec->tolerance.atol;
    }
    const bool ok = r.max_abs <= limit;
    std::printf("  %-40s %-44s max|err| %-10.3g limit %-10.3g%s\n", r.file.c_str(), r.name.c_str(), r.max_abs, limit,
                ok ? "" : "  FAIL");
    if (!ok) ++test::failures();
  }
  std::printf("%s: %d tensors compared\n", name.c_str(), compared);
  CHECK(compared > 0);
  return compared;
}

}  // namespace

int main() {
  // Both folders must exist before the skip: a missing fixture is a failure even without a GPU.
  test::fixture_dir("sdxl-tiny");
  test::fixture_dir("wan-tiny");
  auto gpu = test::cuda_or_skip("test_cuda_fixtures");
  std::printf("backend: %s\n", gpu->name().c_str());
  for (const char* name : {"sdxl-tiny", "wan-tiny"}) replay_on(name, gpu);
  return test::finish("test_cuda_fixtures");
}
