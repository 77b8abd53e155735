#include "io/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

#include "util/error.h"
#include "util/json.h"

namespace gpuq {

SafeTensorsFile SafeTensorsFile::open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) throw Error(ErrorCode::NotFound, "cannot open " + path + ": " + std::strerror(errno));
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    ::close(fd);
    throw Error(ErrorCode::NotFound, "cannot stat " + path);
  }
  size_t size = static_cast<size_t>(st.st_size);
  if (size < 8) {
    ::close(fd);
    throw Error(ErrorCode::BadFormat, path + ": too small for a safetensors file");
  }
  void* base = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);  // the mapping stays valid after close
  if (base == MAP_FAILED) throw Error(ErrorCode::OutOfMemory, "cannot mmap " + path);

  SafeTensorsFile f;
  f.path_ = path;
  f.mapping_ = std::shared_ptr<void>(base, [size](void* p) { munmap(p, size); });
  const char* bytes = static_cast<const char*>(base);
  uint64_t header_len = 0;
  std::memcpy(&header_len, bytes, 8);  // little-endian hosts only (x86-64, aarch64)
  if (header_len > size - 8) throw Error(ErrorCode::BadFormat, path + ": header length beyond end of file");
  f.data_ = bytes + 8 + header_len;
  size_t data_size = size - 8 - header_len;

  json::Value header;
  try {
    header = json::parse(std::string(bytes + 8, header_len));
  } catch (const Error& e) {
    throw Error(ErrorCode::BadFormat, path + ": " + e.what());
  }
  for (const auto& [name, v] : header.as_object()) {
    if (name == "__metadata__") {
      for (const auto& [k, mv] : v.as_object())
        if (mv.is_string()) f.metadata_[k] = mv.as_string();
      continue;
    }
    Entry e;
    e.dtype = dtype_from_name(v.at("dtype").as_string());
    e.shape = v.at("shape").int_list();
    auto offsets = v.at("data_offsets").int_list();
    if (offsets.size() != 2 || offsets[0] < 0 || offsets[1] < offsets[0] ||
        static_cast<size_t>(offsets[1]) > data_size)
      throw Error(ErrorCode::BadFormat, path + ": bad data_offsets for " + name);
    e.begin = static_cast<size_t>(offsets[0]);
    e.end = static_cast<size_t>(offsets[1]);
    if (e.end - e.begin != static_cast<size_t>(shape_numel(e.shape)) * dtype_size(e.dtype))
      throw Error(ErrorCode::BadFormat, path + ": size of " + name + " does not match its shape");
    f.entries_[name] = e;
  }
  return f;
}

std::vector<std::string> SafeTensorsFile::names() const {
  std::vector<std::string> out;
  for (const auto& kv : entries_) out.push_back(kv.first);
  return out;
}

Tensor SafeTensorsFile::get(const std::string& name) const {
  auto it = entries_.find(name);
  if (it == entries_.end()) throw Error(ErrorCode::NotFound, path_ + ": no tensor named " + name);
  const Entry& e = it->second;
  void* p = const_cast<char*>(data_ + e.begin);
  // fp32 data must be 4-byte aligned to be used in place; the format guarantees 8-byte header
  // padding, but offsets inside are the writer's choice, so copy when misaligned.
  Tensor t = Tensor::borrow(p, e.shape, e.dtype, mapping_);
  if (reinterpret_cast<uintptr_t>(p) % dtype_size(e.dtype) != 0) return t.clone();
  return t;
}

void write_safetensors(const std::string& path, const std::map<std::string, Tensor>& tensors) {
  std::map<std::string, json::Value> header;
  header["__metadata__"] = json::Value::make_object({{"format", json::Value::make_string("pt")}});
  size_t offset = 0;
  for (const auto& [name, t] : tensors) {
    std::vector<json::Value> shape, offsets;
    for (int64_t d : t.shape()) shape.push_back(json::Value::make_number(static_cast<double>(d)));
    offsets.push_back(json::Value::make_number(static_cast<double>(offset)));
    offset += t.nbytes();
    offsets.push_back(json::Value::make_number(static_cast<double>(offset)));
    header[name] = json::Value::make_object({{"dtype", json::Value::make_string(dtype_name(t.dtype()))},
                                             {"shape", json::Value::make_array(shape)},
                                             {"data_offsets", json::Value::make_array(offsets)}});
  }
  std::string text = json::dump(json::Value::make_object(header));
  while (text.size() % 8) text += ' ';
  std::ofstream out(path, std::ios::binary);
  if (!out) throw Error(ErrorCode::NotFound, "cannot create " + path);
  uint64_t len = text.size();
  out.write(reinterpret_cast<const char*>(&len), 8);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  for (const auto& kv : tensors)
    out.write(static_cast<const char*>(kv.second.raw()), static_cast<std::streamsize>(kv.second.nbytes()));
  if (!out) throw Error(ErrorCode::NotFound, "write failed: " + path);
}

}  // namespace gpuq
