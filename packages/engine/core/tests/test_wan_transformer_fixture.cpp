// WanTransformer3DModel against wan-tiny/reference/transformer_forward.safetensors: one forward
// from the stored inputs with every recorded intermediate, then the same forward with the
// cross-attention cache filled (a second call must give the same output).
#include "models/wan_transformer.h"
#include "test_util.h"

using namespace gpuq;

int main() {
  std::string dir = test::fixture_dir("wan-tiny");
  auto be = make_backend("cpu", default_thread_count());
  Manifest m = Manifest::load(dir);
  const std::string file = "reference/transformer_forward.safetensors";
  SafeTensorsFile ref = SafeTensorsFile::open(dir + "/" + file);
  WanTransformer model(Weights::load(dir + "/transformer", *be), *be);
  Tensor t = ref.get("in.timestep");
  std::vector<float> ts(t.f32(), t.f32() + t.numel());
  Trace trace;
  Tensor x = be->upload(ref.get("in.hidden_states")), ctx = be->upload(ref.get("in.encoder_hidden_states"));
  model.forward(x, ts, ctx, &trace);
  for (const auto& [name, value] : trace) test::expect_ref(m, file, ref, name, value);
  CrossAttentionCache cache;
  model.forward(x, ts, ctx, nullptr, &cache);
  test::expect_ref(m, file, ref, "output", be->download(model.forward(x, ts, ctx, nullptr, &cache)));
  return test::finish("test_wan_transformer_fixture");
}
