#include "io/component_files.h"

#include <set>

#include "models/weights.h"
#include "util/error.h"
#include "util/json.h"

namespace gpuq {

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool is_variant(const std::string& name) {
  return name.find(".fp16.") != std::string::npos || name.find(".bf16.") != std::string::npos ||
         name.find(".fp16-") != std::string::npos || name.find(".bf16-") != std::string::npos;
}

// "model.safetensors.index.json" and the variant spelling "model.safetensors.index.fp16.json".
bool is_index(const std::string& name) {
  return name.find(".safetensors.index.") != std::string::npos && ends_with(name, ".json");
}

ComponentFiles from_index(const std::string& dir, const std::string& index) {
  ComponentFiles out;
  out.dir = dir;
  out.index = index;
  const std::string path = dir + "/" + index;
  json::Value doc;
  try {
    doc = json::parse_file(path);
  } catch (const Error& e) {
    throw Error(ErrorCode::BadFormat, path + ": " + e.what());
  }
  const json::Value* map = doc.is_object() ? doc.find("weight_map") : nullptr;
  check(map && map->is_object(), ErrorCode::BadFormat, path + ": no weight_map object");
  std::set<std::string> shards;
  for (const auto& [tensor, file] : map->as_object()) {
    check(file.is_string(), ErrorCode::BadFormat, path + ": weight_map entry " + tensor + " is not a file name");
    out.weight_map[tensor] = file.as_string();
    shards.insert(file.as_string());
  }
  for (const auto& shard : shards)
    check(is_file(dir + "/" + shard), ErrorCode::NotFound,
          dir + ": shard " + shard + " named by " + index + " is missing");
  out.files.assign(shards.begin(), shards.end());
  return out;
}

}  // namespace

ComponentFiles find_component_files(const std::string& dir) {
  check(is_dir(dir), ErrorCode::NotFound, "checkpoint component folder not found: " + dir);
  std::vector<std::string> indexes, variant_indexes, files, variants;
  for (const auto& name : list_dir(dir)) {
    if (is_index(name)) (is_variant(name) ? variant_indexes : indexes).push_back(name);
    else if (ends_with(name, ".safetensors")) (is_variant(name) ? variants : files).push_back(name);
  }
  for (const auto* group : {&indexes, &variant_indexes})
    if (group->size() > 1)
      throw Error(ErrorCode::BadFormat, dir + ": more than one shard index (" + (*group)[0] + ", " + (*group)[1] + ")");
  if (!indexes.empty()) return from_index(dir, indexes[0]);
  if (files.empty() && !variant_indexes.empty()) return from_index(dir, variant_indexes[0]);
  ComponentFiles out;
  out.dir = dir;
  out.files = files.empty() ? variants : files;
  check(!out.files.empty(), ErrorCode::NotFound, "no .safetensors weights in " + dir);
  return out;
}

}  // namespace gpuq
