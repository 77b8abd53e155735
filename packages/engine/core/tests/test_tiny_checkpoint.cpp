// The generated random-weight checkpoint loads and generates (fixtures not needed), and the same
// seed gives the same weights.
#include <unistd.h>

#include <cmath>

#include "pipeline/sdxl.h"
#include "pipeline/tiny_checkpoint.h"
#include "test_util.h"

using namespace gpuq;

int main() {
  char tmpl[] = "/tmp/gpuq-tiny-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  write_tiny_sdxl_checkpoint(dir, {7});
  CHECK(is_file(dir + "/tokenizer/vocab.json") && is_file(dir + "/tokenizer_2/merges.txt"));
  auto pipe = SdxlPipeline::load(dir, make_backend("cpu", default_thread_count()));
  GenerateRequest req;
  req.prompt_ids_1.assign(77, 513);
  req.prompt_ids_2.assign(77, 513);
  req.prompt_ids_1[0] = req.prompt_ids_2[0] = 512;
  req.height = req.width = 64;
  req.steps = 2;
  GenerateResult r = pipe->generate(req, {});
  CHECK(r.image_u8.shape() == (Shape{1, 64, 64, 3}));
  bool finite = true;
  for (float v : r.latents.to_vector()) finite = finite && std::isfinite(v);
  CHECK(finite);

  auto a = random_weights({{"x.weight", {4, 3}}, {"x.bias", {4}}}, 1);
  auto b = random_weights({{"x.weight", {4, 3}}, {"x.bias", {4}}}, 1);
  CHECK(a.at("x.weight").to_vector() == b.at("x.weight").to_vector());
  std::system(("rm -rf " + dir).c_str());
  return test::finish("test_tiny_checkpoint");
}
