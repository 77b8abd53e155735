// Which weight files make up one checkpoint component folder (a diffusers `unet/`, a sharded
// `transformer/`), chosen as diffusers / transformers choose them: a `*.safetensors.index.json`
// names the shards (and which tensor lives in which), else every `*.safetensors` in the folder;
// plain files are preferred over `.fp16.` / `.bf16.` variants, which are the fallback.
// Errors: NotFound when the folder, any weight file, or a shard the index names is missing;
// BadFormat when an index is not valid JSON with a `weight_map`, or two plain indexes compete.
// Messages name the folder and the file.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace gpuq {

struct ComponentFiles {
  std::string dir;
  std::string index;               // file name of the shard index, "" when there is none
  std::vector<std::string> files;  // weight file names, sorted
  std::map<std::string, std::string> weight_map;  // tensor -> file, from the index (empty without one)
};

ComponentFiles find_component_files(const std::string& dir);

}  // namespace gpuq
