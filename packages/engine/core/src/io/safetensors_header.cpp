#include "io/safetensors_header.h"

#include <sys/stat.h>

#include <cstring>
#include <fstream>

#include "util/error.h"
#include "util/json.h"

namespace gpuq {

size_t safetensors_dtype_size(const std::string& dtype) {
  if (dtype == "F64" || dtype == "I64" || dtype == "U64") return 8;
  if (dtype == "F32" || dtype == "I32" || dtype == "U32") return 4;
  if (dtype == "F16" || dtype == "BF16" || dtype == "I16" || dtype == "U16") return 2;
  if (dtype == "I8" || dtype == "U8" || dtype == "BOOL" || dtype == "F8_E4M3" || dtype == "F8_E5M2") return 1;
  return 0;
}

SafeTensorsHeader read_safetensors_header(const std::string& path) {
  SafeTensorsHeader out;
  out.path = path;
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) throw Error(ErrorCode::NotFound, "cannot open " + path + ": " + std::strerror(errno));
  out.file_size = static_cast<uint64_t>(st.st_size);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::NotFound, "cannot open " + path);
  uint64_t header_len = 0;
  check(out.file_size >= 8 && in.read(reinterpret_cast<char*>(&header_len), 8).good(), ErrorCode::BadFormat,
        path + ": too small for a safetensors file");
  check(header_len <= out.file_size - 8 && header_len <= (uint64_t{1} << 30), ErrorCode::BadFormat,
        path + ": header length " + std::to_string(header_len) + " beyond the end of the file");
  std::string text(header_len, '\0');
  check(in.read(text.data(), static_cast<std::streamsize>(header_len)).good(), ErrorCode::BadFormat,
        path + ": truncated header");
  json::Value header;
  try {
    header = json::parse(text);
  } catch (const Error& e) {
    throw Error(ErrorCode::BadFormat, path + ": header is not JSON: " + e.what());
  }
  check(header.is_object(), ErrorCode::BadFormat, path + ": header is not a JSON object");
  const uint64_t data_size = out.file_size - 8 - header_len;
  for (const auto& [name, v] : header.as_object()) {
    if (name == "__metadata__") continue;
    TensorHeader t;
    t.name = name;
    try {
      t.dtype = v.at("dtype").as_string();
      t.shape = v.at("shape").int_list();
      auto offsets = v.at("data_offsets").int_list();
      check(offsets.size() == 2 && offsets[0] >= 0 && offsets[1] >= offsets[0], ErrorCode::BadFormat, "bad data_offsets");
      t.begin = static_cast<uint64_t>(offsets[0]);
      t.end = static_cast<uint64_t>(offsets[1]);
    } catch (const Error& e) {
      throw Error(ErrorCode::BadFormat, path + ": tensor " + name + ": " + e.what());
    }
    check(t.end <= data_size, ErrorCode::BadFormat,
          path + ": tensor " + name + " ends at byte " + std::to_string(t.end) + " of a " +
              std::to_string(data_size) + "-byte data section (truncated file?)");
    const size_t elem = safetensors_dtype_size(t.dtype);
    check(elem == 0 || t.end - t.begin == static_cast<uint64_t>(shape_numel(t.shape)) * elem, ErrorCode::BadFormat,
          path + ": tensor " + name + ": size does not match its shape");
    out.tensors.push_back(std::move(t));
  }
  return out;
}

}  // namespace gpuq
