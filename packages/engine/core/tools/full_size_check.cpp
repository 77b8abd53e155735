// gpuq_bench --full-size: the full-size SDXL base UNet and VAE against diffusers on the same
// random weights.
//   gpuq_bench --full-size write DIR [--seed N]
//     For each of DIR/unet and DIR/vae holding config.json (the published configs): every
//     parameter of that config at fp32 into diffusion_pytorch_model.safetensors, from
//     random_weights (UNet seed N, VAE seed N + 1; default N = 1), so the files are regenerated
//     bit for bit from the seed. The UNet file is 10.3 GB.
//   gpuq_bench --full-size check DIR REFERENCES [--json PATH]
//     For each component written: loads it through the engine's loader, runs it once on the in.*
//     tensors of REFERENCES/unet_step.safetensors or vae_decode.safetensors (written by
//     scripts/full_size_reference.py from diffusers), and reports the max |engine - diffusers|,
//     the time and the peak RSS. Exits 1 when a difference exceeds kRelativeTolerance x max |ref|.
// Not part of CI: the UNet needs about 11 GiB of RAM.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "backend/cpu/cpu_backend.h"
#include "full_size_diff.h"
#include "io/safetensors.h"
#include "models/unet.h"
#include "models/vae.h"
#include "pipeline/tiny_checkpoint.h"
#include "util/error.h"
#include "util/json.h"
#include "util/thread_pool.h"

namespace gpuq {

namespace {

using Clock = FullSizeClock;

bool exists(const std::string& path) { return std::ifstream(path).good(); }

json::Value read_config(const std::string& folder) {
  std::ifstream f(folder + "/config.json");
  check(f.good(), ErrorCode::NotFound, "cannot read " + folder + "/config.json");
  return json::parse(std::string(std::istreambuf_iterator<char>(f), {}));
}

ParamSpecs specs_for(const std::string& component, const json::Value& cfg) {
  if (component == "unet")
    return unet_param_specs(UNetConfig::from_json(cfg), cfg.int_or("projection_class_embeddings_input_dim", 0));
  return vae_param_specs(VaeConfig::from_json(cfg), cfg.int_or("in_channels", 3), cfg.at("down_block_types").string_list());
}

const std::vector<std::string> kComponents{"unet", "vae"};

int write_weights(const std::string& dir, uint64_t seed) {
  for (size_t i = 0; i < kComponents.size(); ++i) {
    const std::string folder = dir + "/" + kComponents[i];
    if (!exists(folder + "/config.json")) continue;
    const ParamSpecs specs = specs_for(kComponents[i], read_config(folder));
    auto t = Clock::now();
    const std::string file = folder + "/diffusion_pytorch_model.safetensors";
    write_safetensors(file, random_weights(specs, seed + i));
    std::printf("wrote %s: %zu tensors, seed %llu, in %.1f s\n", file.c_str(), specs.size(),
                static_cast<unsigned long long>(seed + i), seconds_since(t));
  }
  return 0;
}

struct Comparison {
  std::string component;
  Shape shape;
  double load_seconds = 0, run_seconds = 0;
  OutputDifference diff;
  bool pass() const { return diff.within_tolerance(); }
};

void compare(const Tensor& out, const Tensor& expected, Comparison& c) {
  c.diff = output_difference(out, expected, c.component);
  c.shape = out.shape();
}

Comparison check_unet(const std::string& folder, const SafeTensorsFile& ref, CpuBackend& be) {
  Comparison c{"unet"};
  auto t0 = Clock::now();
  UNet unet(Weights::load(folder, be), be);
  c.load_seconds = seconds_since(t0);
  UNetInputs in;
  in.sample = ref.get("in.sample").to_f32(true);
  in.timesteps = {ref.get("in.timestep").to_f32().item()};
  in.encoder_hidden_states = ref.get("in.encoder_hidden_states").to_f32(true);
  in.text_embeds = ref.get("in.text_embeds").to_f32(true);
  in.time_ids = ref.get("in.time_ids").to_f32(true);
  auto t1 = Clock::now();
  Tensor out = be.download(unet.forward(in));
  c.run_seconds = seconds_since(t1);
  compare(out, ref.get("out.sample").to_f32(), c);
  return c;
}

Comparison check_vae(const std::string& folder, const SafeTensorsFile& ref, CpuBackend& be) {
  Comparison c{"vae"};
  auto t0 = Clock::now();
  VaeDecoder vae(Weights::load(folder, be), be);
  c.load_seconds = seconds_since(t0);
  auto t1 = Clock::now();
  Tensor out = be.download(vae.decode(ref.get("in.z").to_f32(true)));
  c.run_seconds = seconds_since(t1);
  compare(out, ref.get("out.image").to_f32(), c);
  return c;
}

std::string to_json(const std::vector<Comparison>& results) {
  std::ostringstream o;
  o << "{\"name\": \"full-size SDXL base 1.0 vs diffusers, random fp32 weights\", \"device\": \"cpu\", \"threads\": "
    << default_thread_count() << ", \"peak_rss_mib\": " << peak_rss_mib() << ", \"components\": [";
  for (size_t i = 0; i < results.size(); ++i) {
    const Comparison& c = results[i];
    o << (i ? ", " : "") << "{\"component\": \"" << c.component << "\", \"output\": \"" << shape_str(c.shape)
      << "\", \"load_seconds\": " << c.load_seconds << ", \"run_seconds\": " << c.run_seconds
      << ", \"max_abs_diff\": " << c.diff.max_abs << ", \"max_abs_reference\": " << c.diff.max_ref
      << ", \"relative_rms_diff\": " << c.diff.rms_rel << ", \"tolerance\": " << kRelativeTolerance * c.diff.max_ref
      << ", \"pass\": " << (c.pass() ? "true" : "false") << "}";
  }
  o << "]}\n";
  return o.str();
}

int check_all(const std::string& dir, const std::string& references, const std::string& json_path) {
  CpuBackend be(default_thread_count());
  std::vector<Comparison> results;
  if (exists(dir + "/unet/diffusion_pytorch_model.safetensors"))
    results.push_back(check_unet(dir + "/unet", SafeTensorsFile::open(references + "/unet_step.safetensors"), be));
  if (exists(dir + "/vae/diffusion_pytorch_model.safetensors"))
    results.push_back(check_vae(dir + "/vae", SafeTensorsFile::open(references + "/vae_decode.safetensors"), be));
  check(!results.empty(), ErrorCode::NotFound, dir + " holds neither unet/ nor vae/ weights");
  bool all = true;
  for (const Comparison& c : results) {
    // The weight files are memory-mapped: pages come in during the first run, not the load.
    std::printf("full-size SDXL %s, output %s, fp32 weights: load %.1f s, run %.2f s\n", c.component.c_str(),
                shape_str(c.shape).c_str(), c.load_seconds, c.run_seconds);
    std::printf("  vs diffusers: max |diff| %.3g (max |ref| %.3g), relative RMS diff %.3g: %s (<= %.0e x max |ref|)\n",
                c.diff.max_abs, c.diff.max_ref, c.diff.rms_rel, c.pass() ? "PASS" : "FAIL", kRelativeTolerance);
    all = all && c.pass();
  }
  std::printf("peak RSS %.0f MiB\n", peak_rss_mib());
  if (!json_path.empty()) {
    std::ofstream(json_path) << to_json(results);
    std::printf("wrote %s\n", json_path.c_str());
  }
  return all ? 0 : 1;
}

}  // namespace

int run_full_size_check(int argc, char** argv) {
  const std::string usage = std::string("usage: ") + argv[0] +
                            " --full-size write DIR [--seed N] | --full-size check DIR REFERENCES [--json PATH]\n";
  if (argc >= 4 && std::string(argv[2]) == "write") {
    uint64_t seed = 1;
    if (argc == 6 && std::string(argv[4]) == "--seed") seed = std::stoull(argv[5]);
    else if (argc != 4) return std::fprintf(stderr, "%s", usage.c_str()), 2;
    return write_weights(argv[3], seed);
  }
  if (argc >= 5 && std::string(argv[2]) == "check") {
    std::string json_path;
    if (argc == 7 && std::string(argv[5]) == "--json") json_path = argv[6];
    else if (argc != 5) return std::fprintf(stderr, "%s", usage.c_str()), 2;
    return check_all(argv[3], argv[4], json_path);
  }
  std::fprintf(stderr, "%s", usage.c_str());
  return 2;
}

}  // namespace gpuq
