// fp16 / bf16 weight storage (compute in fp32): the UNet forward and the VAE decode stay close to
// the fp32 reference, within what rounding the weights to 11 / 8 mantissa bits costs.
#include <cmath>

#include "models/unet.h"
#include "models/vae.h"
#include "test_util.h"

using namespace gpuq;

int main() {
  std::string dir = test::fixture_dir("sdxl-tiny");
  auto be = make_backend("cpu", default_thread_count());
  SafeTensorsFile u = SafeTensorsFile::open(dir + "/reference/unet_forward.safetensors");
  SafeTensorsFile v = SafeTensorsFile::open(dir + "/reference/vae_decode.safetensors");
  for (DType storage : {DType::F16, DType::BF16}) {
    Weights w = Weights::load(dir + "/unet", *be, storage);
    CHECK(w.get("conv_in.weight").dtype() == storage && w.get("conv_in.bias").dtype() == DType::F32);
    UNet unet(std::move(w), *be);
    UNetInputs in;
    in.sample = u.get("in.sample");
    in.timesteps = {u.get("in.timestep").item()};
    in.encoder_hidden_states = u.get("in.encoder_hidden_states");
    in.text_embeds = u.get("in.text_embeds");
    in.time_ids = u.get("in.time_ids");
    double e1 = test::max_rel_err(unet.forward(in), u.get("noise_pred"));
    VaeDecoder vae(Weights::load(dir + "/vae", *be, storage), *be);
    double e2 = test::max_rel_err(vae.decode(v.get("z")), v.get("image"));
    std::printf("%s weights: UNet noise_pred rel err %.2e, VAE image rel err %.2e\n", dtype_name(storage), e1, e2);
    const double bound = storage == DType::F16 ? 5e-3 : 4e-2;
    CHECK(e1 < bound && e2 < bound);
  }
  return test::finish("test_half_weights");
}
