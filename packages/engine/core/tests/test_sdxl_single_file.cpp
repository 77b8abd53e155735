// Single-file SDXL checkpoints (sd_xl_base_1.0.safetensors layout):
// 1. With the real SDXL base configs, the layout the loader expects is exactly the published
//    key list (test/real-configs/sdxl-single-file/sd_xl_base_1.0.keys.tsv, made with diffusers'
//    own conversion maps): every name and stored shape, nothing missing, nothing extra.
// 2. The sdxl-tiny fixture converted to one file (single_file_convert.h) loads with the fixture's
//    configs and reproduces diffusers' reference loops, equal to the diffusers-folder pipeline.
// 3. A file with a missing, misshapen or unknown tensor fails at load naming file and tensor.
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include <unistd.h>

#include "loop_request.h"
#include "models/sdxl_single_file.h"
#include "pipeline/sdxl.h"
#include "single_file_convert.h"
#include "test_util.h"

using namespace gpuq;

namespace {

const std::string kPackage = std::string(GPUQ_FIXTURES_DIR) + "/../..";

SdxlComponentConfigs configs_of(const std::string& dir) {
  auto cfg = [&](const char* c) { return json::parse_file(dir + "/" + c + "/config.json"); };
  return {cfg("unet"), cfg("vae"), cfg("text_encoder"), cfg("text_encoder_2")};
}

const std::string kRealConfigs = kPackage + "/configs/stable-diffusion-xl-base-1.0";

// The published list: key -> component, "[a,b]" shape.
std::map<std::string, std::pair<std::string, std::string>> published_keys() {
  std::map<std::string, std::pair<std::string, std::string>> want;
  std::ifstream in(kPackage + "/test/real-configs/sdxl-single-file/sd_xl_base_1.0.keys.tsv");
  CHECK(in.good());
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::stringstream row(line);
    std::string comp, key, shape;
    std::getline(row, comp, '\t');
    std::getline(row, key, '\t');
    std::getline(row, shape, '\t');
    want[key] = {comp, "[" + shape + "]"};
  }
  return want;
}

void check_real_key_list() {
  auto want = published_keys();
  // q, k and v of a layer share one stacked tensor: compare distinct file keys.
  std::map<std::string, std::pair<std::string, std::string>> ours;
  size_t params = 0;
  for (const auto& comp : sdxl_single_file_layout(configs_of(kRealConfigs)))
    for (const auto& [param, s] : comp.params) {
      ++params;
      std::string shape = "[";  // "[a,b]" as the list writes it
      for (size_t i = 0; i < s.file_shape.size(); ++i) shape += (i ? "," : "") + std::to_string(s.file_shape[i]);
      ours[s.key] = {comp.name, shape + "]"};
    }
  size_t matched = 0;
  for (const auto& [key, v] : ours) {
    auto it = want.find(key);
    if (it != want.end() && it->second == v) ++matched;
    else std::fprintf(stderr, "  ours %s %s %s: not in the published list as such\n", v.first.c_str(), key.c_str(), v.second.c_str());
  }
  for (const auto& [key, v] : want)
    if (!ours.count(key)) std::fprintf(stderr, "  published %s %s: not mapped\n", key.c_str(), v.second.c_str());
  std::printf("real SDXL base: %zu diffusers parameters -> %zu single-file tensors; %zu of the %zu published keys matched\n",
              params, ours.size(), matched, want.size());
  CHECK(matched == ours.size() && matched == want.size() && want.size() > 2500);
}

// A full-size file with the published names and shapes in fp16 (as sd_xl_base_1.0 stores them),
// sparse: 6.9 GB long, no data written. The reader checks and maps all of it without reading the
// values (only the transposed text_projection is copied).
void check_full_size_sparse_file(const std::string& tmp) {
  std::string header = "{";
  size_t offset = 0, count = 0;
  for (const auto& [key, v] : published_keys()) {
    size_t n = 2;
    std::string shape = v.second;
    for (size_t p = 1, q; p < shape.size(); p = q + 1) {
      q = shape.find_first_of(",]", p);
      if (q > p) n *= std::stoull(shape.substr(p, q - p));
    }
    header += (count++ ? ",\"" : "\"") + key + "\":{\"dtype\":\"F16\",\"shape\":" + shape +
              ",\"data_offsets\":[" + std::to_string(offset) + "," + std::to_string(offset + n) + "]}";
    offset += n;
  }
  header += "}";
  while (header.size() % 8) header += ' ';
  const std::string path = tmp + "/sd_xl_base_1.0.safetensors";
  {
    std::ofstream out(path, std::ios::binary);
    uint64_t len = header.size();
    out.write(reinterpret_cast<const char*>(&len), 8);
    out.write(header.data(), static_cast<std::streamsize>(header.size()));
  }
  CHECK(truncate(path.c_str(), static_cast<off_t>(8 + header.size() + offset)) == 0);
  const auto layout = sdxl_single_file_layout(configs_of(kRealConfigs));
  auto parts = read_sdxl_single_file(SafeTensorsFile::open(path), layout);
  size_t params = 0, want = 0;
  for (const auto& comp : layout) want += comp.params.size();
  for (const auto& [comp, tensors] : parts) params += tensors.size();
  const Tensor& q = parts.at("text_encoder_2").at("text_model.encoder.layers.31.self_attn.v_proj.weight");
  std::printf("full-size sparse file: %zu tensors, %.2f GB, read as %zu diffusers parameters\n", count,
              static_cast<double>(offset) / 1e9, params);
  CHECK(params == want && parts.size() == 4);
  CHECK(q.dtype() == DType::F16 && q.shape() == Shape({1280, 1280}));
  CHECK(parts.at("vae").at("decoder.mid_block.attentions.0.to_q.weight").shape() == Shape({512, 512}));
  std::remove(path.c_str());
}

double max_abs_diff(const Tensor& a, const Tensor& b) {
  auto x = a.to_f32().to_vector(), y = b.to_f32().to_vector();
  if (x.size() != y.size()) return INFINITY;
  double m = 0;
  for (size_t i = 0; i < x.size(); ++i) m = std::fmax(m, std::fabs(static_cast<double>(x[i]) - y[i]));
  return m;
}

// Every reference loop on both pipelines: the single-file one within the manifest's tolerances
// of diffusers, and equal to the folder one.
void check_tiny_parity(const std::string& dir, const std::string& file) {
  Manifest m = Manifest::load(dir);
  const std::string loops_file = "reference/loops.safetensors";
  SafeTensorsFile ref = SafeTensorsFile::open(dir + "/" + loops_file);
  SafeTensorsFile te = SafeTensorsFile::open(dir + "/reference/text_encoders.safetensors");
  auto folder = SdxlPipeline::load(dir, make_backend("cpu", default_thread_count()));
  auto single = SdxlPipeline::load_single_file(file, dir, make_backend("cpu", default_thread_count()));
  const json::Value& params = m.raw.at("parameters");
  double worst = 0;
  int compared = 0;
  for (const auto& loop : params.at("loops").as_array()) {
    const std::string name = loop.at("name").as_string();
    GenerateRequest req = test::loop_request(params, loop, te, ref);
    Trace from_folder, from_file;
    folder->generate(req, {}, &from_folder);
    single->generate(req, {}, &from_file);
    std::printf("loop %s\n", name.c_str());
    for (const auto& spec : *m.file(loops_file)) {
      if (spec.name.rfind(name + ".", 0) != 0 || spec.tolerance.input) continue;
      const std::string key = spec.name.substr(name.size() + 1);
      auto a = from_file.find(key), b = from_folder.find(key);
      CHECK(a != from_file.end() && b != from_folder.end());
      if (a == from_file.end() || b == from_folder.end()) continue;
      test::expect_ref(m, loops_file, ref, spec.name, a->second);
      worst = std::fmax(worst, max_abs_diff(a->second, b->second));
      ++compared;
    }
  }
  std::printf("single file vs diffusers folder: %d tensors, max |difference| %.3g\n", compared, worst);
  CHECK(compared > 20);
  CHECK(worst == 0);  // same fp32 values in, same kernels: the layouts must not change a bit
}

// Loads `file` with the tiny configs and returns the error message ("" when it loads).
std::string load_error(const std::string& file, const std::string& dir) {
  try {
    SdxlPipeline::load_single_file(file, dir, make_backend("cpu", 1));
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

void check_bad_files(const std::string& dir, const std::string& good) {
  SafeTensorsFile f = SafeTensorsFile::open(good);
  std::map<std::string, Tensor> all;
  for (const auto& n : f.names()) all[n] = f.get(n);
  const std::string bad = good + ".bad.safetensors";
  auto expect = [&](std::map<std::string, Tensor> tensors, const std::string& needle) {
    write_safetensors(bad, tensors);
    std::string msg = load_error(bad, dir);
    std::printf("  %s\n", msg.c_str());
    CHECK(msg.find(bad) != std::string::npos && msg.find(needle) != std::string::npos);
  };
  const std::string qkv = "conditioner.embedders.1.model.transformer.resblocks.0.attn.in_proj_weight";
  auto missing = all;
  missing.erase(qkv);
  expect(missing, qkv + " missing");
  auto misshapen = all;
  misshapen[qkv] = misshapen[qkv].slice0(0, misshapen[qkv].dim(0) - 1).clone();
  expect(misshapen, qkv + " has shape");
  auto stray = all;
  stray["model.diffusion_model.input_blocks.99.0.weight"] = Tensor::zeros({1});
  expect(stray, "model.diffusion_model.input_blocks.99.0.weight belongs to no SDXL component");
  auto not_sdxl = all;
  not_sdxl.erase("conditioner.embedders.1.model.positional_embedding");
  expect(not_sdxl, "not an SDXL base single-file checkpoint");
  std::remove(bad.c_str());
  CHECK(load_error(good, "/nonexistent/configs").find("/nonexistent/configs") != std::string::npos);
}

}  // namespace

int main() {
  check_real_key_list();
  std::string dir = test::fixture_dir("sdxl-tiny");
  char tmpl[] = "/tmp/gpuq-single-file-XXXXXX";
  std::string tmp = mkdtemp(tmpl);
  const std::string file = tmp + "/sdxl-tiny.safetensors";
  check_full_size_sparse_file(tmp);
  test::write_single_file_from_folder(dir, file);
  check_tiny_parity(dir, file);
  check_bad_files(dir, file);
  std::system(("rm -rf " + tmp).c_str());
  return test::finish("test_sdxl_single_file");
}
