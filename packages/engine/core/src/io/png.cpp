#include "io/png.h"

#include <zlib.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "util/error.h"

namespace gpuq {

namespace {

void put_u32(std::string& out, uint32_t v) {
  out += static_cast<char>(v >> 24);
  out += static_cast<char>(v >> 16);
  out += static_cast<char>(v >> 8);
  out += static_cast<char>(v);
}

uint32_t get_u32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

void chunk(std::string& out, const char* type, const std::string& data) {
  put_u32(out, static_cast<uint32_t>(data.size()));
  std::string body = std::string(type, 4) + data;
  out += body;
  put_u32(out, static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(body.data()), body.size())));
}

const char kSignature[] = "\x89PNG\r\n\x1a\n";

}  // namespace

void write_png_rgb(const std::string& path, const Tensor& img) {
  check(img.ndim() == 3 && img.dim(2) == 3 && img.dtype() == DType::U8, ErrorCode::InvalidArgument,
        "PNG: expected [H, W, 3] uint8, got " + shape_str(img.shape()));
  const int64_t h = img.dim(0), w = img.dim(1);
  std::string raw;
  for (int64_t y = 0; y < h; ++y) {
    raw += '\0';  // filter: none
    raw.append(reinterpret_cast<const char*>(img.u8() + y * w * 3), static_cast<size_t>(w * 3));
  }
  uLongf bound = compressBound(raw.size());
  std::string z(bound, '\0');
  compress2(reinterpret_cast<Bytef*>(&z[0]), &bound, reinterpret_cast<const Bytef*>(raw.data()), raw.size(), 6);
  z.resize(bound);
  std::string ihdr;
  put_u32(ihdr, static_cast<uint32_t>(w));
  put_u32(ihdr, static_cast<uint32_t>(h));
  ihdr += std::string("\x08\x02\x00\x00\x00", 5);  // 8-bit, RGB, deflate, adaptive, no interlace
  std::string out(kSignature, 8);
  chunk(out, "IHDR", ihdr);
  chunk(out, "IDAT", z);
  chunk(out, "IEND", "");
  std::ofstream f(path, std::ios::binary);
  check(static_cast<bool>(f), ErrorCode::NotFound, "cannot create " + path);
  f.write(out.data(), static_cast<std::streamsize>(out.size()));
}

Tensor read_png_rgb(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  check(static_cast<bool>(f), ErrorCode::NotFound, "cannot open " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string s = ss.str();
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  check(s.size() > 33 && s.compare(0, 8, std::string(kSignature, 8)) == 0, ErrorCode::BadFormat, path + ": not a PNG");
  uint32_t w = 0, h = 0;
  int color = 0;
  std::string idat;
  for (size_t off = 8; off + 12 <= s.size();) {
    uint32_t len = get_u32(p + off);
    std::string type = s.substr(off + 4, 4);
    check(off + 12 + len <= s.size(), ErrorCode::BadFormat, path + ": truncated chunk");
    const unsigned char* data = p + off + 8;
    if (type == "IHDR") {
      w = get_u32(data);
      h = get_u32(data + 4);
      color = data[9];
      check(data[8] == 8 && data[12] == 0, ErrorCode::BadFormat, path + ": only 8-bit non-interlaced PNGs");
    } else if (type == "IDAT") {
      idat.append(reinterpret_cast<const char*>(data), len);
    }
    off += 12 + len;
  }
  const int channels = color == 2 ? 3 : color == 6 ? 4 : color == 0 ? 1 : 0;
  check(channels > 0 && w > 0 && h > 0, ErrorCode::BadFormat, path + ": unsupported PNG colour type");
  const size_t stride = static_cast<size_t>(w) * channels;
  std::vector<unsigned char> raw((stride + 1) * h);
  uLongf raw_len = raw.size();
  check(uncompress(raw.data(), &raw_len, reinterpret_cast<const Bytef*>(idat.data()), idat.size()) == Z_OK &&
            raw_len == raw.size(),
        ErrorCode::BadFormat, path + ": bad image data");
  std::vector<unsigned char> px(stride * h), prev(stride, 0);
  for (uint32_t y = 0; y < h; ++y) {
    const unsigned char* line = raw.data() + y * (stride + 1);
    unsigned char* cur = px.data() + y * stride;
    for (size_t i = 0; i < stride; ++i) {
      int a = i >= static_cast<size_t>(channels) ? cur[i - channels] : 0;
      int b = prev[i];
      int c = i >= static_cast<size_t>(channels) ? prev[i - channels] : 0;
      int x = line[1 + i], pred = 0;
      switch (line[0]) {
        case 0: pred = 0; break;
        case 1: pred = a; break;
        case 2: pred = b; break;
        case 3: pred = (a + b) / 2; break;
        case 4: {
          int pp = a + b - c, pa = std::abs(pp - a), pb = std::abs(pp - b), pc = std::abs(pp - c);
          pred = (pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c);
          break;
        }
        default: throw Error(ErrorCode::BadFormat, path + ": bad filter type");
      }
      cur[i] = static_cast<unsigned char>(x + pred);
    }
    std::copy(cur, cur + stride, prev.begin());
  }
  Tensor out = Tensor::empty({h, w, 3}, DType::U8);
  for (size_t i = 0; i < static_cast<size_t>(w) * h; ++i)
    for (int c = 0; c < 3; ++c) out.u8()[i * 3 + c] = px[i * channels + (channels == 1 ? 0 : c)];
  return out;
}

}  // namespace gpuq
