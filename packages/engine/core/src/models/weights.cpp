#include "models/weights.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>

#include "io/component_files.h"
#include "util/error.h"

namespace gpuq {

bool is_dir(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}
bool is_file(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::vector<std::string> list_dir(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = opendir(dir.c_str());
  if (!d) return out;
  while (dirent* e = readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") out.push_back(n);
  }
  closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

Weights Weights::load(const std::string& dir, Backend& backend, DType storage) {
  // The same files the model check reads: the shard index's, else the folder's (plain before variants).
  ComponentFiles files = find_component_files(dir);
  Weights w;
  w.dir_ = dir;
  check(is_file(dir + "/config.json"), ErrorCode::NotFound, dir + "/config.json is missing");
  w.config_ = json::parse_file(dir + "/config.json");
  for (const auto& name : files.files) {
    SafeTensorsFile f = SafeTensorsFile::open(dir + "/" + name);
    for (const auto& tname : f.names()) {
      check(w.tensors_.count(tname) == 0, ErrorCode::BadFormat, dir + ": tensor " + tname + " is in two weight files");
      w.tensors_[tname] = backend.upload_weight(f.get(tname), storage);
    }
  }
  return w;
}

Weights Weights::from_tensors(std::map<std::string, Tensor> tensors, json::Value config, Backend& backend,
                              DType storage) {
  Weights w;
  w.config_ = std::move(config);
  // Convert and drop one by one so fp32 originals and their half copies never all coexist.
  for (auto it = tensors.begin(); it != tensors.end(); it = tensors.erase(it))
    w.tensors_[it->first] = backend.upload_weight(it->second, storage);
  return w;
}

const Tensor& Weights::get(const std::string& name) const {
  auto it = tensors_.find(name);
  if (it == tensors_.end())
    throw Error(ErrorCode::NotFound, "weight " + name + " missing" + (dir_.empty() ? "" : " in " + dir_));
  return it->second;
}

const Tensor* Weights::find(const std::string& name) const {
  auto it = tensors_.find(name);
  return it == tensors_.end() ? nullptr : &it->second;
}

size_t Weights::bytes() const {
  size_t n = 0;
  for (const auto& kv : tensors_) n += kv.second.nbytes();
  return n;
}

}  // namespace gpuq
