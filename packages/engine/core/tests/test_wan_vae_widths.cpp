// AutoencoderKLWan with Wan 2.1's channel layout (dim_mult [1, 2, 4, 4], two resnets per level,
// temporal downsampling [false, true, true]) at base_dim 4, against diffusers: one encode (the
// latent mean) and one decode of test/wan-vae-widths/reference.safetensors (written by
// scripts/wan_vae_reference.py; tolerances in its metadata). The wan-tiny fixture keeps one width
// throughout, so this is where the shortcut convolutions, the halved upsampler outputs and the
// resnets that widen them again meet reference values. The diffusers-saved checkpoint also holds
// exactly the tensors wan_vae_param_specs lists for its config, at the same shapes.
#include <cmath>

#include "models/wan_param_specs.h"
#include "models/wan_vae.h"
#include "models/wan_vae_encoder.h"
#include "test_util.h"

using namespace gpuq;

namespace {

void expect_close(const SafeTensorsFile& ref, const std::string& name, const Tensor& engine) {
  Tensor expected = ref.get(name).to_f32();
  const double atol = std::stod(ref.metadata().at("atol." + name));
  if (engine.shape() != expected.shape()) {
    std::fprintf(stderr, "  %s: shape %s, expected %s  FAIL\n", name.c_str(), shape_str(engine.shape()).c_str(),
                 shape_str(expected.shape()).c_str());
    ++test::failures();
    return;
  }
  double worst = 0;
  for (int64_t i = 0; i < engine.numel(); ++i) {
    const double d = std::fabs(static_cast<double>(engine.f32()[i]) - expected.f32()[i]);
    worst = std::isfinite(d) ? std::max(worst, d) : INFINITY;
  }
  const bool pass = worst <= atol;
  std::printf("  %-10s max|err| %.3g (tolerance %.3g)%s\n", name.c_str(), worst, atol, pass ? "" : "  FAIL");
  if (!pass) ++test::failures();
}

void expect_param_specs_match(const std::string& file, const json::Value& config) {
  SafeTensorsFile saved = SafeTensorsFile::open(file);
  const ParamSpecs specs = wan_vae_param_specs(WanVaeConfig::from_json(config));
  int mismatches = 0;
  for (const auto& [name, shape] : specs) {
    if (!saved.has(name) || saved.get(name).shape() != shape) {
      std::fprintf(stderr, "  %s %s: not in the checkpoint at that shape  FAIL\n", name.c_str(), shape_str(shape).c_str());
      ++mismatches;
    }
  }
  if (saved.names().size() != specs.size()) {
    std::fprintf(stderr, "  checkpoint has %zu tensors, the list %zu  FAIL\n", saved.names().size(), specs.size());
    ++mismatches;
  }
  std::printf("  parameter list: %zu tensors, %d mismatches\n", specs.size(), mismatches);
  test::failures() += mismatches;
}

}  // namespace

int main() {
  const std::string dir = std::string(GPUQ_FIXTURES_DIR) + "/../wan-vae-widths";
  auto be = make_backend("cpu", default_thread_count());
  SafeTensorsFile ref = SafeTensorsFile::open(dir + "/reference.safetensors");
  WanVaeDecoder decoder(Weights::load(dir + "/vae", *be), *be);
  expect_param_specs_match(dir + "/vae/diffusion_pytorch_model.safetensors", decoder.weights().config());
  WanVaeEncoder encoder(decoder.weights(), *be);
  expect_close(ref, "out.mu", encoder.encode(ref.get("in.video").to_f32(true)));
  expect_close(ref, "out.video", decoder.decode(ref.get("in.z").to_f32(true)));
  return test::finish("test_wan_vae_widths");
}
