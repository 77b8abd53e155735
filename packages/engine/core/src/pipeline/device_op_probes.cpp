// The self-check's op probes: each op of the Backend interface on seeded inputs at shapes that
// are not multiples of any kernel tile (partial tiles and bounds checks run). Weights are bf16,
// rounded on the host, so reference and candidate multiply the same values.
#include "pipeline/device_self_check.h"
#include "pipeline/sdxl.h"

namespace gpuq {

namespace {

Tensor in(Backend& be, const Shape& s, uint64_t seed) { return be.upload(seeded_normal(s, seed)); }
Tensor weight(Backend& be, const Shape& s, uint64_t seed) {
  return be.upload_weight(seeded_normal(s, seed).to_dtype(DType::BF16).to_f32(), DType::BF16);
}
Tensor positive(Backend& be, const Shape& s, uint64_t seed) {
  Tensor t = seeded_normal(s, seed);
  for (int64_t i = 0; i < t.numel(); ++i) t.f32()[i] = 0.5f + 0.25f * t.f32()[i] * t.f32()[i];
  return be.upload(t);
}

}  // namespace

std::vector<OpProbe> backend_op_probes() {
  return {
      {"linear", [](Backend& be) { Tensor b = in(be, {37}, 3); return be.linear(in(be, {2, 19, 70}, 1), weight(be, {37, 70}, 2), &b); }},
      {"conv2d", [](Backend& be) { Tensor b = in(be, {12}, 6); return be.conv2d(in(be, {2, 5, 11, 13}, 4), weight(be, {12, 5, 3, 3}, 5), &b, 1, 1); }},
      {"group_norm", [](Backend& be) { return be.group_norm(in(be, {2, 8, 9, 7}, 7), 4, positive(be, {8}, 8), in(be, {8}, 9), 1e-5f, true); }},
      {"layer_norm", [](Backend& be) { Tensor b = in(be, {40}, 12); return be.layer_norm(in(be, {3, 17, 40}, 10), positive(be, {40}, 11), &b, 1e-5f); }},
      {"attention", [](Backend& be) { return be.attention(in(be, {2, 21, 64}, 13), in(be, {2, 21, 64}, 14), in(be, {2, 21, 64}, 15), 2, 0.177f, false); }},
      {"activation", [](Backend& be) { return be.activation(in(be, {3, 50}, 16), Activation::GeluTanh); }},
      {"geglu", [](Backend& be) { return be.geglu(in(be, {3, 5, 48}, 17)); }},
      {"axpby", [](Backend& be) { return be.axpby(0.7f, in(be, {4, 33}, 18), -1.3f, in(be, {4, 33}, 19)); }},
      {"add_channel_bias", [](Backend& be) { return be.add_channel_bias(in(be, {2, 6, 5, 5}, 20), in(be, {2, 6}, 21)); }},
      {"upsample_nearest2x", [](Backend& be) { return be.upsample_nearest2x(in(be, {1, 3, 5, 7}, 22)); }},
      {"concat_dim1", [](Backend& be) { return be.concat_dim1(in(be, {2, 3, 4, 5}, 23), in(be, {2, 2, 4, 5}, 24)); }},
      {"embedding", [](Backend& be) { return be.embedding(weight(be, {30, 16}, 25), {0, 29, 7, 7, 3}); }},
      {"nchw_to_nlc", [](Backend& be) { return be.nchw_to_nlc(in(be, {2, 5, 6, 7}, 26)); }},
      {"nlc_to_nchw", [](Backend& be) { return be.nlc_to_nchw(in(be, {2, 42, 5}, 27), 6, 7); }},
      {"rms_norm", [](Backend& be) { Tensor g = positive(be, {48}, 29); return be.rms_norm(in(be, {2, 9, 48}, 28), &g, 1e-6f); }},
      {"rms_norm_channels", [](Backend& be) { Tensor b = in(be, {6}, 32); return be.rms_norm_channels(in(be, {1, 6, 3, 4, 5}, 30), positive(be, {6}, 31), &b, true); }},
      {"attention_biased", [](Backend& be) { return be.attention_biased(in(be, {2, 11, 48}, 33), in(be, {2, 13, 48}, 34), in(be, {2, 13, 48}, 35), 3, 1.0f, in(be, {1, 3, 11, 13}, 36)); }},
      {"rope", [](Backend& be) { return be.rope(in(be, {2, 10, 32}, 37), in(be, {10, 8}, 38), in(be, {10, 8}, 39), 2); }},
      {"modulate", [](Backend& be) { return be.modulate(in(be, {2, 9, 24}, 40), in(be, {2, 24}, 41), in(be, {2, 24}, 42)); }},
      {"add_gated", [](Backend& be) { return be.add_gated(in(be, {2, 9, 24}, 43), in(be, {2, 9, 24}, 44), in(be, {2, 24}, 45)); }},
      {"conv3d", [](Backend& be) { Tensor b = in(be, {7}, 48); return be.conv3d(in(be, {1, 4, 5, 9, 8}, 46), weight(be, {7, 4, 3, 3, 3}, 47), &b, {1, 1, 1}, {0, 1, 1}); }},
      {"mul", [](Backend& be) { return be.mul(in(be, {5, 17}, 49), in(be, {5, 17}, 50)); }},
      {"permute", [](Backend& be) { return be.permute(in(be, {2, 3, 4, 5, 6}, 51), {0, 2, 3, 4, 1}); }},
      {"narrow", [](Backend& be) { return be.narrow(in(be, {2, 5, 7, 3}, 52), 2, 2, 4); }},
      {"concat", [](Backend& be) { return be.concat(in(be, {2, 4, 3, 5}, 53), in(be, {2, 4, 2, 5}, 54), 2); }},
  };
}

}  // namespace gpuq
