#include "pipeline/clip_image_processor.h"

#include <algorithm>

#include "util/error.h"

namespace gpuq {

namespace {

// A size entry: {"height", "width"}, {"shortest_edge"} or a bare number (square).
void read_size(const json::Value* v, int64_t& h, int64_t& w, int64_t* shortest) {
  if (!v || v->is_null()) return;
  if (v->is_number()) {
    h = w = v->as_int();
    return;
  }
  check(v->is_object(), ErrorCode::BadFormat, "CLIP image processor: size must be a number or an object");
  if (shortest && v->find("shortest_edge")) {
    *shortest = v->at("shortest_edge").as_int();
    h = w = 0;
    return;
  }
  h = v->at("height").as_int();
  w = v->at("width").as_int();
}

}  // namespace

ClipImageProcessorConfig ClipImageProcessorConfig::from_json(const json::Value& cfg) {
  ClipImageProcessorConfig c;
  c.do_resize = cfg.bool_or("do_resize", true);
  c.do_center_crop = cfg.bool_or("do_center_crop", true);
  c.do_rescale = cfg.bool_or("do_rescale", true);
  c.do_normalize = cfg.bool_or("do_normalize", true);
  c.rescale_factor = cfg.number_or("rescale_factor", 1.0 / 255.0);
  read_size(cfg.find("size"), c.resize_h, c.resize_w, &c.shortest_edge);
  read_size(cfg.find("crop_size"), c.crop_h, c.crop_w, nullptr);
  // PIL's numbering: 1 = LANCZOS, 3 = BICUBIC.
  const int64_t resample = cfg.int_or("resample", 3);
  check(resample == 3 || resample == 1, ErrorCode::BadFormat,
        "CLIP image processor: resample " + std::to_string(resample) + " (only 3 bicubic, 1 lanczos)");
  c.resample = resample == 1 ? ResampleFilter::Lanczos : ResampleFilter::Bicubic;
  for (auto [key, out] : {std::pair<const char*, std::array<float, 3>*>{"image_mean", &c.mean}, {"image_std", &c.std}}) {
    const json::Value* v = cfg.find(key);
    if (!v) continue;
    check(v->is_array() && v->as_array().size() == 3, ErrorCode::BadFormat,
          std::string("CLIP image processor: ") + key + " must list 3 values");
    for (int i = 0; i < 3; ++i) (*out)[i] = static_cast<float>(v->as_array()[i].as_number());
  }
  check(c.crop_h > 0 && c.crop_w > 0, ErrorCode::BadFormat, "CLIP image processor: crop_size");
  return c;
}

Tensor clip_preprocess(const ClipImageProcessorConfig& cfg, const std::vector<uint8_t>& rgb_in, int64_t width,
                       int64_t height) {
  check(width > 0 && height > 0 && static_cast<int64_t>(rgb_in.size()) == width * height * 3,
        ErrorCode::InvalidArgument, "CLIP image processor: expected width * height * 3 RGB bytes");
  std::vector<uint8_t> rgb = rgb_in;
  int64_t w = width, h = height;
  if (cfg.do_resize) {
    int64_t nw = cfg.resize_w, nh = cfg.resize_h;
    if (nw == 0) {
      // Shortest edge to the target; the long edge scaled and truncated (default_to_square=False).
      const int64_t s = cfg.shortest_edge, lo = std::min(w, h), hi = std::max(w, h);
      const int64_t other = static_cast<int64_t>(static_cast<double>(s) * static_cast<double>(hi) / static_cast<double>(lo));
      nw = w <= h ? s : other;
      nh = w <= h ? other : s;
    }
    rgb = resize_rgb(rgb, w, h, nw, nh, cfg.resample);
    w = nw;
    h = nh;
  }
  int64_t top = 0, left = 0, oh = h, ow = w;
  if (cfg.do_center_crop) {
    check(h >= cfg.crop_h && w >= cfg.crop_w, ErrorCode::InvalidArgument,
          "CLIP image processor: image smaller than crop_size after resizing");
    top = (h - cfg.crop_h) / 2;
    left = (w - cfg.crop_w) / 2;
    oh = cfg.crop_h;
    ow = cfg.crop_w;
  }
  Tensor out = Tensor::empty({1, 3, oh, ow});
  for (int64_t c = 0; c < 3; ++c)
    for (int64_t y = 0; y < oh; ++y)
      for (int64_t x = 0; x < ow; ++x) {
        float v = static_cast<float>(rgb[((top + y) * w + left + x) * 3 + c]);
        if (cfg.do_rescale) v = static_cast<float>(v * cfg.rescale_factor);
        if (cfg.do_normalize) v = (v - cfg.mean[c]) / cfg.std[c];
        out.f32()[(c * oh + y) * ow + x] = v;
      }
  return out;
}

}  // namespace gpuq
