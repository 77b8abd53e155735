// The AutoencoderKLWan encoder on the wan-tiny fixture's VAE weights (the fixture has no encoder
// reference, so these are properties, not values): the latent shape; causality as the chunked
// encode implies it (latent frame 0 depends on pixel frame 0 only, frame i on frames <= 4i); a
// 5-frame encode equals the first two latent frames of the 9-frame encode of the same start; and
// the later latent frames do depend on their own pixel frames (the chunks are not ignored); and the
// chunked encode with its caches equals the same layers run once over the whole video (causal
// zero padding only; a temporal downsample keeps frame 0 and then convolves all frames with
// stride 2), which holds the cache contents to what the chunking must reproduce. Also
// the pipeline's latent normalisation (mu - mean) / std, as the inverse of the decoder's input.
#include <cmath>
#include <random>

#include "backend/backend.h"
#include "models/wan_vae_encoder.h"
#include "test_util.h"

using namespace gpuq;

namespace {

Tensor random_video(int64_t frames, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  Tensor v = Tensor::empty({1, 3, frames, 32, 48});
  for (int64_t i = 0; i < v.numel(); ++i) v.f32()[i] = d(rng);
  return v;
}

// Max |a - b| over latent frame t of [1, C, T, h, w] tensors.
float frame_diff(const Tensor& a, const Tensor& b, int64_t ta, int64_t tb) {
  const int64_t c = a.dim(1), plane = a.dim(3) * a.dim(4);
  float worst = 0;
  for (int64_t ch = 0; ch < c; ++ch)
    for (int64_t i = 0; i < plane; ++i)
      worst = std::max(worst, std::fabs(a.f32()[(ch * a.dim(2) + ta) * plane + i] -
                                        b.f32()[(ch * b.dim(2) + tb) * plane + i]));
  return worst;
}

// Replaces pixel frames [from, to) of every channel with new noise.
Tensor perturb(const Tensor& v, int64_t from, int64_t to, uint32_t seed) {
  Tensor out = v.clone();
  Tensor noise = random_video(v.dim(2), seed);
  const int64_t f = v.dim(2), plane = v.dim(3) * v.dim(4);
  for (int64_t c = 0; c < 3; ++c)
    for (int64_t t = from; t < to; ++t)
      for (int64_t i = 0; i < plane; ++i) out.f32()[(c * f + t) * plane + i] = noise.f32()[(c * f + t) * plane + i];
  return out;
}

// The encoder as one pass over all frames: every causal convolution pads with zeros only (a new,
// empty cache per call), no chunks.
Tensor whole_video_encode(Backend& be, const Weights& w, const WanVaeConfig& cfg, const Tensor& video) {
  WanCausalBlocks b(w, be);
  auto fresh = [] { return WanCausalBlocks::Cache(); };
  auto c0 = fresh();
  Tensor x = b.cached_conv("encoder.conv_in", be.upload(video), c0);
  int64_t k = 0;
  for (size_t i = 0; i < cfg.dim_mult.size(); ++i) {
    for (int64_t j = 0; j < cfg.num_res_blocks; ++j) {
      auto c = fresh();
      x = b.residual_block("encoder.down_blocks." + std::to_string(k++), x, c);
    }
    if (i + 1 == cfg.dim_mult.size()) break;
    const std::string p = "encoder.down_blocks." + std::to_string(k++);
    for (int dim : {3, 4}) {
      Shape s = x.shape();
      s[dim] = 1;
      x = be.concat(x, be.upload(Tensor::zeros(s)), dim);
    }
    x = b.frame_conv(p + ".resample.1", x, 2, 0);
    if (cfg.temporal_downsample[i] && x.dim(2) > 1)
      x = be.concat(be.narrow(x, 2, 0, 1),
                    be.conv3d(x, w.get(p + ".time_conv.weight"), w.find(p + ".time_conv.bias"), {2, 1, 1}, {0, 0, 0}), 2);
  }
  auto cm = fresh();
  x = b.mid_block("encoder.mid_block", x, cm);
  x = be.rms_norm_channels(x, w.get("encoder.norm_out.gamma"), w.find("encoder.norm_out.bias"), true);
  auto co = fresh();
  x = b.cached_conv("encoder.conv_out", x, co);
  return be.download(be.narrow(b.causal_conv("quant_conv", x, nullptr), 1, 0, cfg.z_dim));
}

}  // namespace

int main() {
  const std::string dir = test::fixture_dir("wan-tiny");
  auto be = make_backend("cpu", 2);
  WanVaeDecoder decoder(Weights::load(dir + "/vae", *be), *be);
  WanVaeEncoder encoder(decoder.weights(), *be);

  const Tensor video = random_video(9, 1);
  Trace trace;
  const Tensor mu = encoder.encode(video, &trace);
  CHECK(mu.shape() == Shape({1, 16, 3, 4, 6}));
  CHECK(trace.count("encoder_chunk.2") && trace.at("quant_conv").dim(1) == 32);
  bool finite = true;
  for (int64_t i = 0; i < mu.numel(); ++i) finite = finite && std::isfinite(mu.f32()[i]);
  CHECK(finite);

  // Chunks and caches = one pass over the whole video.
  const Tensor whole = whole_video_encode(*be, decoder.weights(), encoder.config(), video);
  CHECK(whole.shape() == mu.shape());
  for (int64_t t = 0; t < 3; ++t) CHECK(frame_diff(mu, whole, t, t) <= 1e-5f);

  // Deterministic.
  CHECK(frame_diff(mu, encoder.encode(video), 0, 0) == 0.0f);

  // Latent frame 0 sees pixel frame 0 only; frame 1 sees frames 1-4, frame 2 frames 5-8.
  const Tensor later = encoder.encode(perturb(video, 1, 9, 2));
  CHECK(frame_diff(mu, later, 0, 0) == 0.0f);
  CHECK(frame_diff(mu, later, 1, 1) > 1e-4f);
  const Tensor last = encoder.encode(perturb(video, 5, 9, 3));
  CHECK(frame_diff(mu, last, 0, 0) == 0.0f && frame_diff(mu, last, 1, 1) == 0.0f);
  CHECK(frame_diff(mu, last, 2, 2) > 1e-4f);
  // Pixel frame 0 reaches every later latent frame through the causal caches.
  const Tensor first = encoder.encode(perturb(video, 0, 1, 4));
  CHECK(frame_diff(mu, first, 0, 0) > 1e-4f && frame_diff(mu, first, 2, 2) > 0.0f);

  // Chunking: the first 5 frames alone give the first two latent frames of the 9-frame encode.
  Tensor head = Tensor::empty({1, 3, 5, 32, 48});
  for (int64_t c = 0; c < 3; ++c)
    std::copy(video.f32() + c * 9 * 32 * 48, video.f32() + (c * 9 + 5) * 32 * 48, head.f32() + c * 5 * 32 * 48);
  const Tensor mu5 = encoder.encode(head);
  CHECK(mu5.shape() == Shape({1, 16, 2, 4, 6}));
  CHECK(frame_diff(mu, mu5, 0, 0) <= 1e-6f && frame_diff(mu, mu5, 1, 1) <= 1e-6f);

  // A single frame (image-to-image) encodes to one latent frame equal to the video's first.
  Tensor one = Tensor::empty({1, 3, 1, 32, 48});
  for (int64_t c = 0; c < 3; ++c)
    std::copy(video.f32() + c * 9 * 32 * 48, video.f32() + (c * 9 + 1) * 32 * 48, one.f32() + c * 32 * 48);
  CHECK(frame_diff(mu, encoder.encode(one), 0, 0) <= 1e-6f);

  // Frame counts other than 1 + 4k are rejected with the reason.
  bool threw = false;
  try {
    encoder.encode(random_video(6, 5));
  } catch (const Error& e) {
    threw = e.code() == ErrorCode::InvalidArgument && std::string(e.what()).find("1 + 4k") != std::string::npos;
  }
  CHECK(threw);

  // Normalisation: (mu - mean) / std undoes the decoder input's latents * std + mean.
  const Tensor norm = wan_vae_output_to_latents(mu, encoder.config());
  const Tensor back = wan_latents_to_vae_input(norm, encoder.config());
  CHECK(frame_diff(mu, back, 2, 2) <= 1e-5f);
  CHECK(std::fabs(norm.f32()[0] - (mu.f32()[0] - encoder.config().latents_mean[0]) / encoder.config().latents_std[0]) <=
        1e-6f);
  return test::finish("test_wan_vae_encoder");
}
