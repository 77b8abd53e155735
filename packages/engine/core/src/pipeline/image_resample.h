// Resizing 8-bit RGB images the way Pillow's Image.resize does (the resampling both WAN image
// preprocessors go through: CLIPImageProcessor with bicubic, the pipeline's VaeImageProcessor
// with Lanczos): separable filtering, the kernel widened by the scale when shrinking
// (antialiasing), horizontal pass first, each pass rounded and clipped to 8 bits.
// Pillow computes in fixed point (22 fractional bits); this computes in double, so a value may
// differ by 1 where Pillow's rounding falls the other way.
// Errors: InvalidArgument on empty sizes or a buffer of the wrong length.
#pragma once

#include <cstdint>
#include <vector>

namespace gpuq {

enum class ResampleFilter { Bicubic, Lanczos };

// rgb: height * width * 3 bytes, row-major. Returns out_h * out_w * 3 bytes.
std::vector<uint8_t> resize_rgb(const std::vector<uint8_t>& rgb, int64_t width, int64_t height, int64_t out_w,
                                int64_t out_h, ResampleFilter filter);

}  // namespace gpuq
