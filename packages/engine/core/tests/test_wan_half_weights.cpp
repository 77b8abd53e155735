// WAN with fp16 / bf16 weight storage (compute in fp32): the UMT5 encoder and one transformer
// forward stay close to the fp32 references, within what rounding the weights costs. Covers the
// half-stored 5-D patch kernel, 3-D modulation tables and the relative-bias tables.
#include <cmath>

#include "models/umt5.h"
#include "models/wan_transformer.h"
#include "test_util.h"

using namespace gpuq;

int main() {
  std::string dir = test::fixture_dir("wan-tiny");
  auto be = make_backend("cpu", default_thread_count());
  SafeTensorsFile te = SafeTensorsFile::open(dir + "/reference/text_encoder.safetensors");
  SafeTensorsFile tf = SafeTensorsFile::open(dir + "/reference/transformer_forward.safetensors");
  Tensor ids_t = te.get("prompt.input_ids"), mask_t = te.get("prompt.attention_mask");
  std::vector<int64_t> ids(ids_t.i64(), ids_t.i64() + ids_t.numel()), mask(mask_t.i64(), mask_t.i64() + mask_t.numel());
  for (DType storage : {DType::F16, DType::BF16}) {
    Umt5Encoder enc(Weights::load(dir + "/text_encoder", *be, storage), *be);
    double e1 = test::max_rel_err(enc.encode(ids, mask, 1), te.get("prompt.last_hidden_state"));
    Weights w = Weights::load(dir + "/transformer", *be, storage);
    CHECK(w.get("patch_embedding.weight").dtype() == storage);
    WanTransformer model(std::move(w), *be);
    double e2 = test::max_rel_err(model.forward(tf.get("in.hidden_states"), {tf.get("in.timestep").item()},
                                      tf.get("in.encoder_hidden_states")),
                        tf.get("output"));
    std::printf("%s weights: UMT5 rel err %.2e, transformer output rel err %.2e\n", dtype_name(storage), e1, e2);
    const double bound = storage == DType::F16 ? 5e-3 : 4e-2;
    CHECK(e1 < bound && e2 < bound);
  }
  return test::finish("test_wan_half_weights");
}
