// Properties the fixtures do not cover, on random tiny weights: a batch of 2 equals two batches of
// 1 (per-item timesteps and conditioning stay per item), and the K/V cache changes nothing.
#include <cmath>

#include "models/unet.h"
#include "pipeline/sdxl.h"
#include "pipeline/tiny_checkpoint.h"
#include "test_util.h"

using namespace gpuq;

int main() {
  auto be = make_backend("cpu", default_thread_count());
  json::Value cfg = json::parse(tiny_unet_config_json());
  UNetConfig ucfg = UNetConfig::from_json(cfg);
  UNet unet(Weights::from_tensors(random_weights(unet_param_specs(ucfg, 80), 3), cfg, *be), *be);
  auto inputs = [&](int64_t b0, int64_t n) {
    UNetInputs in;
    Tensor s = seeded_normal({2, 4, 16, 24}, 1), c = seeded_normal({2, 77, 64}, 2), t = seeded_normal({2, 32}, 3);
    Tensor ids = Tensor::from_vector({2, 6}, {1024, 1024, 0, 0, 1024, 1024, 512, 768, 16, 32, 1024, 1024});
    in.sample = s.slice0(b0, n);
    in.encoder_hidden_states = c.slice0(b0, n);
    in.text_embeds = t.slice0(b0, n);
    in.time_ids = ids.slice0(b0, n);
    in.timesteps = n == 2 ? std::vector<float>{999.0f, 1.0f} : std::vector<float>{b0 == 0 ? 999.0f : 1.0f};
    return in;
  };
  Tensor both = unet.forward(inputs(0, 2));
  Tensor first = unet.forward(inputs(0, 1)), second = unet.forward(inputs(1, 1));
  double err = 0, scale = 0;
  for (int64_t i = 0; i < first.numel(); ++i) {
    err = std::max(err, double(std::fabs(both.f32()[i] - first.f32()[i])));
    err = std::max(err, double(std::fabs(both.f32()[first.numel() + i] - second.f32()[i])));
  }
  for (int64_t i = 0; i < both.numel(); ++i) scale = std::max(scale, double(std::fabs(both.f32()[i])));
  // The same sums in another order: a batch of 2 tiles the GEMMs differently (how, depends on the
  // CPU's vector width under -march=native), so the items agree to float32 rounding of the
  // output's scale, not bit for bit. A leaked item (wrong timestep or conditioning) is off by O(1).
  std::printf("batch 2 vs 2 x batch 1: max |diff| %.3g, output max |x| %.3g, relative %.3g\n", err, scale, err / scale);
  CHECK(err / scale < 1e-4);

  CrossAttentionCache cache;
  UNetInputs in = inputs(0, 2);
  in.kv_cache = &cache;
  Tensor a = unet.forward(in), b = unet.forward(in);
  CHECK(!cache.kv.empty());
  double cerr = 0;
  for (int64_t i = 0; i < a.numel(); ++i) cerr = std::max(cerr, double(std::fabs(a.f32()[i] - both.f32()[i]) + std::fabs(b.f32()[i] - both.f32()[i])));
  CHECK(cerr == 0);
  return test::finish("test_unet_batch");
}
