// UMT5 text encoder and WAN prompt embeddings against wan-tiny/reference/text_encoder.safetensors,
// plus the relative-position buckets at the log-spacing boundaries.
#include "models/umt5.h"
#include "test_util.h"

using namespace gpuq;

static void check_buckets() {
  // transformers, 32 buckets, max_distance 128: exact below 8, then 8 + floor(8 log(n/8)/log 16).
  CHECK(umt5_relative_bucket(0, 32, 128) == 0);
  CHECK(umt5_relative_bucket(-7, 32, 128) == 7);
  CHECK(umt5_relative_bucket(7, 32, 128) == 23);
  CHECK(umt5_relative_bucket(-16, 32, 128) == 10);  // log ratio exactly 0.25
  CHECK(umt5_relative_bucket(-32, 32, 128) == 12);
  CHECK(umt5_relative_bucket(64, 32, 128) == 30);
  CHECK(umt5_relative_bucket(-1000, 32, 128) == 15);
  CHECK(umt5_relative_bucket(1000, 32, 128) == 31);
}

int main() {
  check_buckets();
  std::string dir = test::fixture_dir("wan-tiny");
  auto be = make_backend("cpu", default_thread_count());
  Manifest m = Manifest::load(dir);
  const std::string file = "reference/text_encoder.safetensors";
  SafeTensorsFile ref = SafeTensorsFile::open(dir + "/" + file);
  Umt5Encoder enc(Weights::load(dir + "/text_encoder", *be), *be);
  for (std::string which : {"prompt", "negative"}) {
    Tensor ids_t = ref.get(which + ".input_ids"), mask_t = ref.get(which + ".attention_mask");
    std::vector<int64_t> ids(ids_t.i64(), ids_t.i64() + ids_t.numel());
    std::vector<int64_t> mask(mask_t.i64(), mask_t.i64() + mask_t.numel());
    Trace trace;
    Tensor last = be->download(enc.encode(ids, mask, 1, &trace));
    for (const auto& [name, t] : trace) test::expect_ref(m, file, ref, which + "." + name, t);
    test::expect_ref(m, file, ref, which + ".prompt_embeds", wan_prompt_embeds(last, mask));
  }
  return test::finish("test_umt5_fixture");
}
