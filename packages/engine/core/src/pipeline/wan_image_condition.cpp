// WanImageToVideoPipeline's conditioning: loading its extra components and turning the image into
// (a) CLIP image embeddings (encode_image: CLIPImageProcessor, hidden_states[-2]) and (b) the
// condition channels concatenated to the latents (prepare_latents): the image resized to the
// output size (Pillow Lanczos, VaeImageProcessor's default), scaled to [-1, 1], followed by
// frames - 1 zero frames, VAE-encoded (the mean), normalised with latents_mean / latents_std, and
// preceded by a mask of vae_scale_temporal (4) channels. The pipeline builds the mask per pixel
// frame (1 for the image, 0 after), repeats frame 0 four times and folds every 4 frames into the
// channels of one latent frame: all 4 channels are 1 on latent frame 0 and 0 on the others.
// Not confirmed against a diffusers run (no I2V reference exists here): Pillow's resampling is
// computed in double rather than Pillow's fixed point (a byte may differ by 1); diffusers 0.33's
// attention processor splits image from text tokens at `context length - 512`, while the engine
// keeps the two apart (the same at max_sequence_length 512, the pipeline default).
#include "pipeline/wan.h"
#include "util/error.h"

namespace gpuq {

void WanPipeline::load_image_conditioning(const std::string& dir, DType image_encoder_storage) {
  Backend& be = *be_;
  const WanTransformerConfig& tc = transformer_->config();
  const int64_t z = vae_->config().z_dim, mask = vae_scale_temporal();
  check(tc.in_channels == 2 * z + mask, ErrorCode::Unsupported,
        "WAN image-to-video: transformer in_channels " + std::to_string(tc.in_channels) + ", expected " +
            std::to_string(2 * z + mask) + " (latents, " + std::to_string(mask) + " mask channels, condition latents)");
  check(is_file(dir + "/image_encoder/config.json"), ErrorCode::NotFound,
        "WAN image-to-video checkpoint without image_encoder/ in " + dir);
  image_encoder_ = std::make_unique<ClipVisionEncoder>(
      load_component(dir, "image_encoder", be, image_encoder_storage, memory_), be);
  check(image_encoder_->config().layers.hidden == tc.image_dim, ErrorCode::BadFormat,
        "WAN image-to-video: image_encoder hidden_size " + std::to_string(image_encoder_->config().layers.hidden) +
            " differs from the transformer's image_dim " + std::to_string(tc.image_dim));
  const std::string proc = dir + "/image_processor/preprocessor_config.json";
  check(is_file(proc), ErrorCode::NotFound, "WAN image-to-video checkpoint without " + proc);
  image_processor_ = ClipImageProcessorConfig::from_json(json::parse_file(proc));
  vae_encoder_ = std::make_unique<WanVaeEncoder>(vae_->weights(), be);
}

const WanVaeEncoder& WanPipeline::vae_encoder() const {
  check(vae_encoder_ != nullptr, ErrorCode::InvalidArgument, "this WAN checkpoint is text-to-video: no VAE encoder loaded");
  return *vae_encoder_;
}

const ClipVisionEncoder& WanPipeline::image_encoder() const {
  check(image_encoder_ != nullptr, ErrorCode::InvalidArgument, "this WAN checkpoint is text-to-video: no image encoder");
  return *image_encoder_;
}

WanImageCondition WanPipeline::encode_image_condition(const RgbImage& image, int64_t frames, int64_t height,
                                                      int64_t width, Trace* trace) const {
  check(supports_image(), ErrorCode::InvalidArgument,
        "a conditioning image was given, but this WAN checkpoint is text-to-video (its transformer config has no "
        "image_dim / added_kv_proj_dim); use an image-to-video checkpoint or drop the image");
  check(image.width > 0 && image.height > 0 &&
            static_cast<int64_t>(image.rgb.size()) == image.width * image.height * 3,
        ErrorCode::InvalidArgument,
        "conditioning image: expected width * height * 3 RGB bytes (" + std::to_string(image.width) + " x " +
            std::to_string(image.height) + "), got " + std::to_string(image.rgb.size()));
  auto record = [&](const std::string& name, const Tensor& t) {
    if (trace) (*trace)[name] = be_->download(t);
  };
  WanImageCondition out;
  // (a) CLIP sees the image as given (the pipeline encodes it before resizing).
  Tensor pixels = clip_preprocess(image_processor_, image.rgb, image.width, image.height);
  record("image_pixel_values", pixels);
  out.image_embeds = image_encoder_->penultimate(pixels);
  record("image_embeds", out.image_embeds);

  // (b) The video condition: the resized image in [-1, 1], then zero frames.
  const std::vector<uint8_t> rgb = resize_rgb(image.rgb, image.width, image.height, width, height,
                                              ResampleFilter::Lanczos);
  Tensor video = Tensor::zeros({1, 3, frames, height, width});
  for (int64_t c = 0; c < 3; ++c)
    for (int64_t i = 0; i < height * width; ++i)
      video.f32()[c * frames * height * width + i] = static_cast<float>(rgb[i * 3 + c]) / 255.0f * 2.0f - 1.0f;
  record("video_condition", video);
  Tensor latents = wan_vae_output_to_latents(vae_encoder_->encode(video), vae_->config());
  record("latent_condition", latents);

  const int64_t m = vae_scale_temporal(), z = latents.dim(1), t = latents.dim(2);
  const int64_t plane = latents.dim(3) * latents.dim(4);
  out.condition = Tensor::zeros({1, m + z, t, latents.dim(3), latents.dim(4)});
  float* dst = out.condition.f32();
  for (int64_t c = 0; c < m; ++c)
    for (int64_t i = 0; i < plane; ++i) dst[c * t * plane + i] = 1.0f;  // latent frame 0 of each mask channel
  std::copy(latents.f32(), latents.f32() + latents.numel(), dst + m * t * plane);
  record("condition", out.condition);
  return out;
}

}  // namespace gpuq
