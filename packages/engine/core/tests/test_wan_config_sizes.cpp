// WAN models built from configs shaped like the real checkpoints rather than the tiny fixture
// (random weights, no reference values): a transformer with head_dim 128 (the RoPE split of the
// 1.3B / 14B models: 44 frame, 42 height, 42 width channels) and a VAE decoder with Wan 2.1's
// dim_mult [1, 2, 4, 4] (channel changes, shortcut convolutions, halved upsampler outputs). Checks
// shapes, finiteness and the axis layout of the rotary table.
#include <cmath>
#include <random>

#include "models/wan_transformer.h"
#include "models/wan_vae.h"
#include "test_util.h"

using namespace gpuq;

namespace {

struct Builder {
  std::mt19937 rng{3};
  std::map<std::string, Tensor> t;
  void add(const std::string& name, const Shape& s, float scale = 0.05f) {
    std::normal_distribution<float> d(0.0f, scale);
    Tensor x = Tensor::empty(s);
    for (int64_t i = 0; i < x.numel(); ++i) x.f32()[i] = d(rng);
    t[name] = x;
  }
  void linear(const std::string& p, int64_t out, int64_t in) {
    add(p + ".weight", {out, in});
    add(p + ".bias", {out});
  }
  void conv3(const std::string& p, int64_t out, int64_t in, int64_t kt, int64_t k) {
    add(p + ".weight", {out, in, kt, k, k}, 0.1f);
    add(p + ".bias", {out});
  }
  void gamma(const std::string& p, int64_t c) {
    Tensor g = Tensor::full({c, 1, 1, 1}, 1.0f);
    t[p] = g;
  }
};

bool finite(const Tensor& x) {
  for (int64_t i = 0; i < x.numel(); ++i)
    if (!std::isfinite(x.f32()[i])) return false;
  return true;
}

void transformer(Backend& be) {
  const int64_t heads = 2, hd = 128, dim = heads * hd, text = 64, ffn = 96, freq = 256;
  Builder b;
  b.conv3("patch_embedding", dim, 16, 1, 2);
  b.linear("condition_embedder.time_embedder.linear_1", dim, freq);
  b.linear("condition_embedder.time_embedder.linear_2", dim, dim);
  b.linear("condition_embedder.time_proj", 6 * dim, dim);
  b.linear("condition_embedder.text_embedder.linear_1", dim, text);
  b.linear("condition_embedder.text_embedder.linear_2", dim, dim);
  for (const char* a : {"attn1", "attn2"}) {
    for (const char* l : {"to_q", "to_k", "to_v", "to_out.0"}) b.linear(std::string("blocks.0.") + a + "." + l, dim, dim);
    b.add(std::string("blocks.0.") + a + ".norm_q.weight", {dim}, 1.0f);
    b.add(std::string("blocks.0.") + a + ".norm_k.weight", {dim}, 1.0f);
  }
  b.add("blocks.0.norm2.weight", {dim}, 1.0f);
  b.add("blocks.0.norm2.bias", {dim});
  b.linear("blocks.0.ffn.net.0.proj", ffn, dim);
  b.linear("blocks.0.ffn.net.2", dim, ffn);
  b.add("blocks.0.scale_shift_table", {1, 6, dim});
  b.add("scale_shift_table", {1, 2, dim});
  b.linear("proj_out", 16 * 4, dim);
  json::Value cfg = json::parse(R"({"_class_name": "WanTransformer3DModel", "patch_size": [1, 2, 2],
    "num_attention_heads": 2, "attention_head_dim": 128, "in_channels": 16, "out_channels": 16,
    "text_dim": 64, "freq_dim": 256, "ffn_dim": 96, "num_layers": 1, "cross_attn_norm": true,
    "qk_norm": "rms_norm_across_heads", "eps": 1e-6, "image_dim": null, "added_kv_proj_dim": null,
    "rope_max_seq_len": 1024})");
  WanTransformer model(Weights::from_tensors(std::move(b.t), cfg, be), be);
  Builder in;
  in.add("x", {1, 16, 3, 4, 6}, 1.0f);
  in.add("ctx", {1, 7, text}, 1.0f);
  Tensor out = be.download(model.forward(be.upload(in.t["x"]), {500.0f}, be.upload(in.t["ctx"])));
  CHECK(out.shape() == Shape({1, 16, 3, 4, 6}) && finite(out));

  // Columns 0-21 follow the frame index only, 22-42 the row, 43-63 the column.
  Tensor cos, sin;
  wan_rope_table(model.config(), 3, 2, 3, cos, sin);
  CHECK(cos.shape() == Shape({18, 64}));
  auto col = [&](int64_t tok, int64_t c) { return sin.f32()[tok * 64 + c]; };
  const int64_t tok_f1 = (1 * 2 + 0) * 3 + 0, tok_h1 = (0 * 2 + 1) * 3 + 0, tok_w1 = 1;
  CHECK(col(tok_f1, 0) != 0 && col(tok_f1, 22) == 0 && col(tok_f1, 43) == 0);
  CHECK(col(tok_h1, 21) == 0 && col(tok_h1, 22) != 0 && col(tok_h1, 43) == 0);
  CHECK(col(tok_w1, 42) == 0 && col(tok_w1, 43) != 0);
}

void vae(Backend& be) {
  const int64_t z = 16, base = 8;
  const std::vector<int64_t> mult{1, 2, 4, 4};
  // dims = base * [mult[-1]] + reversed(mult): 32, 32, 32, 16, 8.
  std::vector<int64_t> dims{base * mult.back()};
  for (auto it = mult.rbegin(); it != mult.rend(); ++it) dims.push_back(base * *it);
  const std::vector<bool> temporal_up{true, true, false};  // temperal_downsample reversed
  Builder b;
  b.conv3("post_quant_conv", z, z, 1, 1);
  b.conv3("decoder.conv_in", dims[0], z, 3, 3);
  auto resnet = [&](const std::string& p, int64_t in, int64_t out) {
    b.gamma(p + ".norm1.gamma", in);
    b.conv3(p + ".conv1", out, in, 3, 3);
    b.gamma(p + ".norm2.gamma", out);
    b.conv3(p + ".conv2", out, out, 3, 3);
    if (in != out) b.conv3(p + ".conv_shortcut", out, in, 1, 1);
  };
  resnet("decoder.mid_block.resnets.0", dims[0], dims[0]);
  resnet("decoder.mid_block.resnets.1", dims[0], dims[0]);
  b.t["decoder.mid_block.attentions.0.norm.gamma"] = Tensor::full({dims[0], 1, 1}, 1.0f);
  b.add("decoder.mid_block.attentions.0.to_qkv.weight", {3 * dims[0], dims[0], 1, 1}, 0.1f);
  b.add("decoder.mid_block.attentions.0.to_qkv.bias", {3 * dims[0]});
  b.add("decoder.mid_block.attentions.0.proj.weight", {dims[0], dims[0], 1, 1}, 0.1f);
  b.add("decoder.mid_block.attentions.0.proj.bias", {dims[0]});
  for (size_t i = 0; i + 1 < dims.size(); ++i) {
    const std::string p = "decoder.up_blocks." + std::to_string(i);
    int64_t in = i > 0 ? dims[i] / 2 : dims[i];
    const int64_t out = dims[i + 1];
    for (int j = 0; j < 3; ++j, in = out) resnet(p + ".resnets." + std::to_string(j), in, out);
    if (i + 2 < dims.size()) {
      b.add(p + ".upsamplers.0.resample.1.weight", {out / 2, out, 3, 3}, 0.1f);
      b.add(p + ".upsamplers.0.resample.1.bias", {out / 2});
      if (temporal_up[i]) b.conv3(p + ".upsamplers.0.time_conv", 2 * out, out, 3, 1);
    }
  }
  b.gamma("decoder.norm_out.gamma", dims.back());
  b.conv3("decoder.conv_out", 3, dims.back(), 3, 3);
  std::string mean = "[", stdv = "[";
  for (int i = 0; i < z; ++i) mean += std::string(i ? "," : "") + "0.1", stdv += std::string(i ? "," : "") + "1.5";
  json::Value cfg = json::parse(R"({"base_dim": 8, "z_dim": 16, "dim_mult": [1, 2, 4, 4], "num_res_blocks": 2,
    "attn_scales": [], "temperal_downsample": [false, true, true], "latents_mean": )" + mean +
                                "], \"latents_std\": " + stdv + "]}");
  WanVaeDecoder decoder(Weights::from_tensors(std::move(b.t), cfg, be), be);
  Builder in;
  in.add("z", {1, z, 3, 2, 3}, 1.0f);
  Tensor video = decoder.decode(in.t["z"]);
  CHECK(video.shape() == Shape({1, 3, 9, 16, 24}) && finite(video));
}

}  // namespace

int main() {
  auto be = make_backend("cpu", default_thread_count());
  transformer(*be);
  vae(*be);
  return test::finish("test_wan_config_sizes");
}
