// CLIP text encoders and SDXL prompt assembly against sdxl-tiny/reference.
#include <cmath>

#include "models/clip.h"
#include "test_util.h"

using namespace gpuq;

int main() {
  std::string dir = test::fixture_dir("sdxl-tiny");
  auto be = make_backend("cpu", default_thread_count());
  Manifest m = Manifest::load(dir);
  const std::string file = "reference/text_encoders.safetensors";
  SafeTensorsFile ref = SafeTensorsFile::open(dir + "/" + file);
  ClipTextEncoder te1(Weights::load(dir + "/text_encoder", *be), *be);
  ClipTextEncoder te2(Weights::load(dir + "/text_encoder_2", *be), *be);
  for (std::string which : {"prompt", "negative"}) {
    for (int e = 1; e <= 2; ++e) {
      Tensor ids_t = ref.get(which + ".input_ids_" + std::to_string(e));
      std::vector<int64_t> ids(ids_t.i64(), ids_t.i64() + ids_t.numel());
      const ClipTextEncoder& enc = e == 1 ? te1 : te2;
      ClipOutput out = enc.encode(ids, 1);
      std::string p = which + ".te" + std::to_string(e) + ".";
      for (size_t i = 0; i < out.hidden_states.size(); ++i)
        test::expect_ref(m, file, ref, p + "hidden_states." + std::to_string(i), be->download(out.hidden_states[i]));
      test::expect_ref(m, file, ref, p + "last_hidden_state", be->download(out.last_hidden_state));
      if (e == 1) test::expect_ref(m, file, ref, p + "pooler_output", be->download(out.pooled));
      else test::expect_ref(m, file, ref, p + "text_embeds", be->download(out.text_embeds));
    }
  }
  return test::finish("test_clip_fixture");
}
