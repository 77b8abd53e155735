// Weight storage per component: half storage halves what each component holds, a force_upcast
// VAE stays fp32, and on the CPU a half copy of an fp32 file does not keep the file's pages
// resident beside it (resident memory really halves).
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "io/safetensors.h"
#include "pipeline/sdxl.h"
#include "test_util.h"

using namespace gpuq;

namespace {
// VmRSS of this process in bytes (Linux /proc; 0 elsewhere).
size_t resident_bytes() {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    size_t kb = 0;
    if (key == "VmRSS:" && status >> kb) return kb * 1024;
  }
  return 0;
}

void check_pipeline_components() {
  const std::string dir = test::fixture_dir("sdxl-tiny");
  auto full = SdxlPipeline::load(dir, make_backend("cpu", 2), DType::F32);
  auto half = SdxlPipeline::load(dir, make_backend("cpu", 2), DType::F16);
  for (const char* name : {"text_encoder", "text_encoder_2", "unet"}) {
    const ComponentMemory& f = full->component_memory().at(name);
    const ComponentMemory& h = half->component_memory().at(name);
    const double ratio = double(h.bytes) / double(f.bytes);
    std::printf("%-15s fp32 %9zu B  fp16 %9zu B  ratio %.3f\n", name, f.bytes, h.bytes, ratio);
    CHECK(f.storage == DType::F32 && h.storage == DType::F16);
    // Vectors (norms, biases) stay fp32, so above one half: up to 0.54 on these tiny models, whose
    // vectors are a larger share than in real ones (well under 1% of real SDXL parameters).
    CHECK(ratio > 0.5 && ratio < 0.56);
  }
  // The fixture's VAE config says force_upcast: fp32 whatever was asked.
  CHECK(half->component_memory().at("vae").storage == DType::F32);
  CHECK(half->component_memory().at("vae").bytes == full->component_memory().at("vae").bytes);

  ComponentStorage mixed(DType::F32);
  mixed.by_component["unet"] = DType::BF16;
  auto bf = SdxlPipeline::load(dir, make_backend("cpu", 2), mixed);
  CHECK(bf->component_memory().at("unet").storage == DType::BF16);
  CHECK(bf->component_memory().at("text_encoder").storage == DType::F32);
}

void check_vae_storage() {
  CHECK(vae_storage(json::parse("{\"force_upcast\": true}"), DType::F16) == DType::F32);
  CHECK(vae_storage(json::parse("{\"force_upcast\": false}"), DType::F16) == DType::F16);
  CHECK(vae_storage(json::parse("{}"), DType::BF16) == DType::BF16);
}

// Released text encoders load again on the next encode and give the same embeddings.
void check_release_and_reload() {
  const std::string dir = test::fixture_dir("sdxl-tiny");
  auto p = SdxlPipeline::load(dir, make_backend("cpu", 2));
  SafeTensorsFile ref = SafeTensorsFile::open(dir + "/reference/text_encoders.safetensors");
  auto ids = [&](const char* name) {
    std::vector<int64_t> out;
    for (float v : ref.get(name).to_vector()) out.push_back(static_cast<int64_t>(v));
    return out;
  };
  PromptEmbeds before = p->encode_prompt(ids("prompt.input_ids_1"), ids("prompt.input_ids_2"));
  p->set_release_text_encoders(true);
  PromptEmbeds after = p->encode_prompt(ids("prompt.input_ids_1"), ids("prompt.input_ids_2"));
  CHECK(before.embeds.numel() == after.embeds.numel());
  for (int64_t i = 0; i < before.embeds.numel(); ++i) CHECK(before.embeds.f32()[i] == after.embeds.f32()[i]);
}

// A 64 MiB fp32 matrix loaded as fp16: resident memory grows by the 32 MiB copy, not by the
// copy plus the file's pages (which the conversion reads, so they were resident while mapped).
void check_half_copy_releases_file() {
  char tmpl[] = "/tmp/gpuq-storage-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  const int64_t n = 4096;
  std::map<std::string, Tensor> tensors;
  tensors["proj.weight"] = Tensor::empty({n, n});
  tensors["proj.bias"] = Tensor::empty({n});
  for (auto& kv : tensors)
    for (int64_t i = 0; i < kv.second.numel(); ++i) kv.second.f32()[i] = float(i % 1000) * 1e-3f;
  write_safetensors(dir + "/model.safetensors", tensors);
  std::ofstream(dir + "/config.json") << "{}";  // a component folder needs its config
  tensors.clear();
  auto be = make_backend("cpu", 2);
  const size_t before = resident_bytes();
  Weights w = Weights::load(dir, *be, DType::F16);
  const size_t grown = resident_bytes() - before;
  const size_t matrix_fp32 = size_t(n) * n * 4;
  std::printf("fp16 load of a %zu MiB fp32 matrix: resident +%zu MiB, weights hold %zu MiB\n", matrix_fp32 >> 20,
              grown >> 20, w.bytes() >> 20);
  CHECK(w.bytes() < matrix_fp32 / 2 + size_t(n) * 4 + 1);
  CHECK(grown < matrix_fp32 * 6 / 10);
  std::remove((dir + "/model.safetensors").c_str());
  std::remove((dir + "/config.json").c_str());
  rmdir(dir.c_str());
}
}  // namespace

int main() {
  check_vae_storage();
  check_pipeline_components();
  check_half_copy_releases_file();
  check_release_and_reload();
  return test::finish("test_component_storage");
}
