// The parameter lists generated from the sdxl-tiny configs equal the checkpoint files' tensor
// lists (names and shapes) recorded in the manifest: the generator and the benchmark build
// exactly what diffusers would.
#include <map>

#include "models/param_specs.h"
#include "test_util.h"

using namespace gpuq;

namespace {
void expect_same(const ParamSpecs& ours, const json::Value& tensors, const std::string& what) {
  std::map<std::string, Shape> want;
  for (const auto& [name, shape] : tensors.as_object()) want[name] = shape.int_list();
  std::map<std::string, Shape> got(ours.begin(), ours.end());
  CHECK(got.size() == ours.size());  // no duplicates
  for (const auto& [name, shape] : want) {
    auto it = got.find(name);
    if (it == got.end()) std::fprintf(stderr, "%s: missing %s\n", what.c_str(), name.c_str());
    else if (it->second != shape) std::fprintf(stderr, "%s: %s has %s, want %s\n", what.c_str(), name.c_str(), shape_str(it->second).c_str(), shape_str(shape).c_str());
    CHECK(it != got.end() && it->second == shape);
  }
  for (const auto& [name, shape] : got)
    if (!want.count(name)) {
      std::fprintf(stderr, "%s: extra %s\n", what.c_str(), name.c_str());
      ++test::failures();
    }
  std::printf("  %s: %zu tensors\n", what.c_str(), want.size());
}
}  // namespace

int main() {
  std::string dir = test::fixture_dir("sdxl-tiny");
  Manifest m = Manifest::load(dir);
  std::map<std::string, json::Value> ckpt;
  for (const auto& c : m.raw.at("checkpoint").as_array())
    if (c.has("tensors")) ckpt[c.at("file").as_string()] = c.at("tensors");

  json::Value ucfg = json::parse_file(dir + "/unet/config.json");
  expect_same(unet_param_specs(UNetConfig::from_json(ucfg), ucfg.at("projection_class_embeddings_input_dim").as_int()),
              ckpt.at("unet/diffusion_pytorch_model.safetensors"), "unet");
  json::Value vcfg = json::parse_file(dir + "/vae/config.json");
  expect_same(vae_param_specs(VaeConfig::from_json(vcfg), vcfg.at("in_channels").as_int(),
                              vcfg.at("down_block_types").string_list()),
              ckpt.at("vae/diffusion_pytorch_model.safetensors"), "vae");
  json::Value t1 = json::parse_file(dir + "/text_encoder/config.json");
  expect_same(clip_param_specs(ClipConfig::from_json(t1), 0), ckpt.at("text_encoder/model.safetensors"), "te1");
  json::Value t2 = json::parse_file(dir + "/text_encoder_2/config.json");
  expect_same(clip_param_specs(ClipConfig::from_json(t2), t2.at("projection_dim").as_int()),
              ckpt.at("text_encoder_2/model.safetensors"), "te2");
  return test::finish("test_param_specs");
}
