// VAE decoder against sdxl-tiny/reference/vae_decode.safetensors: the small seeded input with
// every intermediate, then the full-size decode of the final Euler latents.
#include "models/vae.h"
#include "pipeline/image.h"
#include "test_util.h"

using namespace gpuq;

int main() {
  std::string dir = test::fixture_dir("sdxl-tiny");
  auto be = make_backend("cpu", default_thread_count());
  Manifest m = Manifest::load(dir);
  const std::string file = "reference/vae_decode.safetensors";
  SafeTensorsFile ref = SafeTensorsFile::open(dir + "/" + file);
  VaeDecoder vae(Weights::load(dir + "/vae", *be), *be);

  Trace trace;
  vae.decode(ref.get("small.z"), &trace);
  for (const auto& [name, t] : trace) {
    std::string key = "small." + (name.rfind("module.", 0) == 0 ? name.substr(7) : name);
    if (m.spec(file, key)) test::expect_ref(m, file, ref, key, t);
  }

  Tensor z = latents_to_vae_input(ref.get("latents"), vae.config());
  test::expect_ref(m, file, ref, "z", z);
  Tensor image = vae.decode(z);
  test::expect_ref(m, file, ref, "image", image);
  test::expect_ref(m, file, ref, "image_np", image_to_nhwc01(image));
  return test::finish("test_vae_fixture");
}
