// AutoencoderKLWan decoder against wan-tiny/reference/vae_decode.safetensors: the VAE input from
// the final latents, post_quant_conv, the decoder output of every latent frame (causal cache),
// the clamped video and the [0, 1] frames.
#include "models/wan_vae.h"
#include "pipeline/wan_video.h"
#include "test_util.h"

using namespace gpuq;

int main() {
  std::string dir = test::fixture_dir("wan-tiny");
  auto be = make_backend("cpu", default_thread_count());
  Manifest m = Manifest::load(dir);
  const std::string file = "reference/vae_decode.safetensors";
  SafeTensorsFile ref = SafeTensorsFile::open(dir + "/" + file);
  WanVaeDecoder vae(Weights::load(dir + "/vae", *be), *be);
  Tensor z = wan_latents_to_vae_input(ref.get("latents"), vae.config());
  test::expect_ref(m, file, ref, "z", z);
  Trace trace;
  Tensor video = vae.decode(ref.get("z"), &trace);
  for (const auto& [name, t] : trace) test::expect_ref(m, file, ref, name, t);
  test::expect_ref(m, file, ref, "video", video);
  test::expect_ref(m, file, ref, "frames_np", video_to_frames01(video));
  return test::finish("test_wan_vae_fixture");
}
