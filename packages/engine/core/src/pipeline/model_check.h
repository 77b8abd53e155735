// Checks a diffusers model folder without running it: model_index.json names the components;
// each component's config.json gives its parameter list; every weight file (the shard index's, or
// the folder's *.safetensors) is read header-only. Every parameter must be present once, with its
// shape and a dtype the engine reads (F32, F16, BF16); no tensor may be stray or in two files.
// The pipelines run this before loading any weight, so a bad folder fails before any compute.
// Errors (each message names the folder, the file and the tensor at fault; shapes and dtypes as
// expected and as found):
//   NotFound     model_index.json, a component folder, its config.json, a weight file, a shard
//                the index names, or a parameter is missing;
//   BadFormat    wrong shape, stray tensor, duplicate tensor, tensor not where the index says,
//                unreadable header or config;
//   Unsupported  a dtype the engine does not read (F8_E4M3, ...) or a model class it does not load.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "models/param_specs.h"
#include "util/json.h"

namespace gpuq {

// What model_index.json and the configs say a component holds (no weight file is read).
struct ComponentPlan {
  std::string name;        // "unet", "transformer", ...
  std::string class_name;  // "UNet2DConditionModel", ...
  ParamSpecs specs;
};

struct ComponentCheck {
  std::string name, class_name, dir;
  std::string index;               // shard index file name, "" when none
  std::vector<std::string> files;  // weight files read
  int64_t tensors = 0, params = 0;
  uint64_t bytes = 0;                       // the parameters at their stored dtypes
  std::map<std::string, int64_t> dtypes;    // stored dtype -> tensor count
  std::vector<std::string> ignored;         // accepted buffers the engine does not use
};

struct ModelCheck {
  std::string dir, pipeline_class;
  std::vector<ComponentCheck> components;
};

std::vector<ComponentPlan> plan_model(const std::string& dir);
ComponentCheck check_component(const std::string& dir, const ComponentPlan& plan);
ModelCheck check_model(const std::string& dir);

json::Value model_check_json(const ModelCheck& check);
// {component: {"class": ..., "tensors": [[name, [shape...]], ...]}}: what a layout writer needs.
json::Value model_plan_json(const std::vector<ComponentPlan>& plan);

}  // namespace gpuq
