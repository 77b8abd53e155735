// gpuq_bench --full-size-wan: the full-size WAN 2.1 T2V 1.3B transformer (1.42 B parameters) from
// sharded fp32 weight files on disk, one forward at a small latent on the CPU.
//   gpuq_bench --full-size-wan write DIR [--seed N]
//     DIR/transformer holds the published config.json and diffusion_pytorch_model.safetensors
//     .index.json. Writes every parameter of that config at fp32 from random_weights (seed N,
//     default 3) into the shard the index names for it, so the folder has the published layout
//     (two shards, 5.68 GB of tensor data) and is regenerated bit for bit from the seed.
//   gpuq_bench --full-size-wan check DIR [--reference FILE] [--json PATH]
//     Loads DIR/transformer through the engine's loader (the shard index), runs one forward on
//     the in.* tensors of FILE (written by scripts/full_size_wan_reference.py from diffusers) or,
//     without FILE, on seeded inputs of the same shapes, then once more with the weights resident;
//     reports both times and the peak RSS and,
//     with FILE, the max |engine - diffusers|. Exits 1 when it exceeds kRelativeTolerance x max |ref|.
// Not part of CI: the weights take 5.7 GB of disk and of RAM.
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>

#include "backend/cpu/cpu_backend.h"
#include "full_size_diff.h"
#include "io/safetensors.h"
#include "models/wan_param_specs.h"
#include "models/wan_transformer.h"
#include "models/weights.h"
#include "pipeline/sdxl.h"             // seeded_normal
#include "pipeline/tiny_checkpoint.h"  // random_weights
#include "util/error.h"
#include "util/json.h"
#include "util/thread_pool.h"

namespace gpuq {

namespace {

using Clock = FullSizeClock;

// The step's input: 5 video frames at 128x128 pixels = latent [1, 16, 2, 16, 16] (128 tokens),
// 32 text tokens; the reference file, when given, sets the shapes instead.
const Shape kLatentShape{1, 16, 2, 16, 16};
const Shape kContextShape{1, 32, 4096};
constexpr float kTimestep = 500.0f;
const char* kIndexName = "diffusion_pytorch_model.safetensors.index.json";

int write_weights(const std::string& dir, uint64_t seed) {
  const std::string folder = dir + "/transformer";
  const json::Value cfg = json::parse_file(folder + "/config.json");
  const json::Value index = json::parse_file(folder + "/" + kIndexName);
  const auto& weight_map = index.at("weight_map").as_object();
  std::map<std::string, ParamSpecs> by_shard;
  for (const auto& [name, shape] : wan_transformer_param_specs(WanTransformerConfig::from_json(cfg))) {
    auto it = weight_map.find(name);
    check(it != weight_map.end(), ErrorCode::BadFormat, folder + "/" + kIndexName + ": no shard for " + name);
    by_shard[it->second.as_string()].emplace_back(name, shape);
  }
  size_t count = 0;
  for (const auto& [shard, specs] : by_shard) count += specs.size();
  check(count == weight_map.size(), ErrorCode::BadFormat,
        folder + "/" + kIndexName + " names " + std::to_string(weight_map.size()) + " tensors, the config " +
            std::to_string(count));
  int64_t bytes = 0;
  // One shard in memory at a time (the first is 5 GB).
  for (const auto& [shard, specs] : by_shard) {
    auto t = Clock::now();
    const std::map<std::string, Tensor> tensors = random_weights(specs, seed);
    for (const auto& [name, tensor] : tensors) bytes += tensor.numel() * 4;
    write_safetensors(folder + "/" + shard, tensors);
    std::printf("wrote %s/%s: %zu tensors, seed %llu, in %.1f s\n", folder.c_str(), shard.c_str(), specs.size(),
                static_cast<unsigned long long>(seed), seconds_since(t));
  }
  const int64_t published = index.at("metadata").at("total_size").as_int();
  check(bytes == published, ErrorCode::BadFormat,
        "wrote " + std::to_string(bytes) + " bytes of tensors, the index says " + std::to_string(published));
  std::printf("%lld bytes of fp32 tensors, as the index's total_size\n", static_cast<long long>(bytes));
  return 0;
}

struct StepResult {
  Shape latent, context, output;
  double load_seconds = 0, run_seconds = 0, warm_run_seconds = 0, peak_rss = 0;
  std::optional<OutputDifference> diff;  // with a reference only
  bool pass() const { return !diff || diff->within_tolerance(); }
};

std::string to_json(const StepResult& r, const std::string& reference) {
  std::ostringstream o;
  o << "{\"name\": \"full-size WAN 2.1 T2V 1.3B transformer, random fp32 weights in the published shards\", "
    << "\"device\": \"cpu\", \"threads\": " << default_thread_count() << ", \"latent\": \"" << shape_str(r.latent)
    << "\", \"context\": \"" << shape_str(r.context) << "\", \"output\": \"" << shape_str(r.output)
    << "\", \"timestep\": " << kTimestep << ", \"load_seconds\": " << r.load_seconds
    << ", \"run_seconds\": " << r.run_seconds << ", \"warm_run_seconds\": " << r.warm_run_seconds
    << ", \"peak_rss_mib\": " << r.peak_rss;
  if (r.diff) {
    o << ", \"reference\": \"" << reference << "\", \"max_abs_diff\": " << r.diff->max_abs
      << ", \"max_abs_reference\": " << r.diff->max_ref << ", \"relative_rms_diff\": " << r.diff->rms_rel
      << ", \"tolerance\": " << kRelativeTolerance * r.diff->max_ref << ", \"pass\": " << (r.pass() ? "true" : "false");
  }
  o << "}\n";
  return o.str();
}

int check_step(const std::string& dir, const std::string& reference, const std::string& json_path) {
  CpuBackend be(default_thread_count());
  StepResult r;
  auto t0 = Clock::now();
  WanTransformer model(Weights::load(dir + "/transformer", be), be);
  r.load_seconds = seconds_since(t0);
  std::optional<SafeTensorsFile> ref;
  if (!reference.empty()) ref.emplace(SafeTensorsFile::open(reference));
  const Tensor latent = ref ? ref->get("in.hidden_states").to_f32(true) : seeded_normal(kLatentShape, 1);
  const Tensor context = ref ? ref->get("in.encoder_hidden_states").to_f32(true) : seeded_normal(kContextShape, 2);
  const float timestep = ref ? ref->get("in.timestep").to_f32().item() : kTimestep;
  r.latent = latent.shape();
  r.context = context.shape();
  auto t1 = Clock::now();
  // The weight files are memory-mapped: their pages come in during this first forward.
  Tensor out = be.download(model.forward(be.upload(latent), {timestep}, be.upload(context)));
  r.run_seconds = seconds_since(t1);
  // A second forward with every page resident: the compute alone.
  auto t2 = Clock::now();
  be.download(model.forward(be.upload(latent), {timestep}, be.upload(context)));
  r.warm_run_seconds = seconds_since(t2);
  r.output = out.shape();
  if (ref) r.diff = output_difference(out, ref->get("out.sample").to_f32(), "WAN transformer");
  r.peak_rss = peak_rss_mib();
  std::printf("full-size WAN 2.1 1.3B transformer, latent %s, context %s, fp32 weights: load %.1f s, forward %.2f s "
              "(paging the weights in), again %.2f s\n",
              shape_str(r.latent).c_str(), shape_str(r.context).c_str(), r.load_seconds, r.run_seconds,
              r.warm_run_seconds);
  if (r.diff)
    std::printf("  vs diffusers: max |diff| %.3g (max |ref| %.3g), relative RMS diff %.3g: %s (<= %.0e x max |ref|)\n",
                r.diff->max_abs, r.diff->max_ref, r.diff->rms_rel, r.pass() ? "PASS" : "FAIL", kRelativeTolerance);
  std::printf("peak RSS %.0f MiB\n", r.peak_rss);
  if (!json_path.empty()) {
    std::ofstream(json_path) << to_json(r, reference.substr(reference.find_last_of('/') + 1));
    std::printf("wrote %s\n", json_path.c_str());
  }
  return r.pass() ? 0 : 1;
}

}  // namespace

int run_full_size_wan(int argc, char** argv) {
  const std::string usage = std::string("usage: ") + argv[0] +
                            " --full-size-wan write DIR [--seed N] | --full-size-wan check DIR [--reference FILE]"
                            " [--json PATH]\n";
  if (argc >= 4 && std::string(argv[2]) == "write") {
    uint64_t seed = 3;
    if (argc == 6 && std::string(argv[4]) == "--seed") seed = std::stoull(argv[5]);
    else if (argc != 4) return std::fprintf(stderr, "%s", usage.c_str()), 2;
    return write_weights(argv[3], seed);
  }
  if (argc >= 4 && std::string(argv[2]) == "check") {
    std::string reference, json_path;
    for (int i = 4; i < argc; i += 2) {
      const std::string flag = argv[i];
      if (i + 1 >= argc) return std::fprintf(stderr, "%s", usage.c_str()), 2;
      if (flag == "--reference") reference = argv[i + 1];
      else if (flag == "--json") json_path = argv[i + 1];
      else return std::fprintf(stderr, "%s", usage.c_str()), 2;
    }
    return check_step(argv[3], reference, json_path);
  }
  std::fprintf(stderr, "%s", usage.c_str());
  return 2;
}

}  // namespace gpuq
