// 8-bit RGB PNG files for the replay's image comparison (zlib does the deflate).
// encode: [H, W, 3] uint8 -> file. decode: 8-bit gray / RGB / RGBA, non-interlaced -> RGB.
// Errors: NotFound (cannot open/create), BadFormat (not a PNG this reader handles).
// Only the fixture replay uses it (gpuq_replay, which runs on GPU hosts without Node, and the
// addon's replay()); the JS wrapper encodes generated images with pngjs in src/common/png.ts.
// Each side keeps its own: the tools cannot call JS, and routing JS results through this file would
// add a buffer API and a native hop for what pngjs already does in Node.
#pragma once

#include <string>

#include "tensor/tensor.h"

namespace gpuq {

void write_png_rgb(const std::string& path, const Tensor& hwc_u8);
Tensor read_png_rgb(const std::string& path);  // [H, W, 3] uint8

}  // namespace gpuq
