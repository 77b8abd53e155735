#include "pipeline/model_check.h"

#include "io/component_files.h"
#include "io/safetensors_header.h"
#include "models/component_specs.h"
#include "models/weights.h"
#include "util/error.h"

namespace gpuq {

namespace {

std::string shape_text(const Shape& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

json::Value parse_config(const std::string& path) {
  check(is_file(path), ErrorCode::NotFound,
        path + " is missing: the component's sizes come from it (no defaults are assumed)");
  try {
    return json::parse_file(path);
  } catch (const Error& e) {
    throw Error(ErrorCode::BadFormat, path + ": " + e.what());
  }
}

bool supported_dtype(const std::string& d) { return d == "F32" || d == "F16" || d == "BF16"; }

struct Found {
  std::string file;
  const TensorHeader* header;
};

}  // namespace

std::vector<ComponentPlan> plan_model(const std::string& dir) {
  const std::string index_path = dir + "/model_index.json";
  check(is_dir(dir), ErrorCode::NotFound, "model folder not found: " + dir);
  check(is_file(index_path), ErrorCode::NotFound, dir + ": no model_index.json (expected a diffusers model folder)");
  json::Value index = parse_config(index_path);
  std::vector<ComponentPlan> out;
  for (const auto& [name, entry] : index.as_object()) {
    if (name.empty() || name[0] == '_' || !entry.is_array() || entry.as_array().size() != 2) continue;
    const json::Value& cls = entry.as_array()[1];
    if (!cls.is_string() || is_weightless_class(cls.as_string())) continue;  // null = component absent
    const std::string class_name = cls.as_string();
    check(is_loadable_model_class(class_name), ErrorCode::Unsupported,
          index_path + ": component " + name + " is a " + class_name + ", which the engine does not load");
    const std::string config_path = dir + "/" + name + "/config.json";
    check(is_dir(dir + "/" + name), ErrorCode::NotFound, dir + ": component folder " + name + "/ is missing");
    json::Value config = parse_config(config_path);
    ComponentPlan plan{name, class_name, {}};
    try {
      plan.specs = component_param_specs(class_name, config);
    } catch (const Error& e) {
      throw Error(e.code(), config_path + ": " + e.what());
    }
    out.push_back(std::move(plan));
  }
  return out;
}

ComponentCheck check_component(const std::string& dir, const ComponentPlan& plan) {
  ComponentCheck c;
  c.name = plan.name;
  c.class_name = plan.class_name;
  c.dir = dir;
  ComponentFiles files = find_component_files(dir);
  c.index = files.index;
  c.files = files.files;
  std::vector<SafeTensorsHeader> headers;
  for (const auto& f : files.files) headers.push_back(read_safetensors_header(dir + "/" + f));

  std::map<std::string, Found> found;
  for (size_t i = 0; i < headers.size(); ++i) {
    const std::string& file = files.files[i];
    for (const auto& t : headers[i].tensors) {
      auto [it, fresh] = found.emplace(t.name, Found{file, &t});
      check(fresh, ErrorCode::BadFormat, dir + ": tensor " + t.name + " is in both " + it->second.file + " and " + file);
      if (files.index.empty()) continue;
      auto mapped = files.weight_map.find(t.name);
      check(mapped != files.weight_map.end(), ErrorCode::BadFormat,
            dir + "/" + file + ": tensor " + t.name + " is not listed in " + files.index);
      check(mapped->second == file, ErrorCode::BadFormat,
            dir + "/" + file + ": tensor " + t.name + " is here but " + files.index + " places it in " + mapped->second);
    }
  }
  for (const auto& [name, file] : files.weight_map)
    check(found.count(name) != 0, ErrorCode::NotFound,
          dir + "/" + file + ": tensor " + name + " is missing (" + files.index + " places it in this file)");

  std::map<std::string, const Shape*> expected;
  for (const auto& [name, shape] : plan.specs) expected[name] = &shape;
  for (const auto& [name, shape] : plan.specs) {
    auto it = found.find(name);
    if (it == found.end()) {
      size_t missing = 0;
      for (const auto& s : plan.specs) missing += found.count(s.first) == 0;
      throw Error(ErrorCode::NotFound, dir + ": tensor " + name + " " + shape_text(shape) + " is missing from " +
                                           (files.index.empty() ? "the weight files" : files.index + "'s shards") +
                                           (missing > 1 ? " (" + std::to_string(missing - 1) + " more missing)" : ""));
    }
    const TensorHeader& t = *it->second.header;
    const std::string where = dir + "/" + it->second.file + ": tensor " + name;
    check(supported_dtype(t.dtype), ErrorCode::Unsupported,
          where + " has dtype " + t.dtype + "; the engine reads F32, F16 and BF16");
    check(t.shape == shape, ErrorCode::BadFormat,
          where + " has shape " + shape_text(t.shape) + ", expected " + shape_text(shape) + " from config.json");
    c.tensors += 1;
    c.params += shape_numel(shape);
    c.bytes += t.end - t.begin;
    c.dtypes[t.dtype] += 1;
  }
  for (const auto& [name, f] : found) {
    if (expected.count(name)) continue;
    check(is_ignored_tensor(name), ErrorCode::BadFormat,
          dir + "/" + f.file + ": unexpected tensor " + name + " " + shape_text(f.header->shape) + " (not a parameter of " +
              plan.class_name + " with this config.json)");
    c.ignored.push_back(name);
  }
  return c;
}

ModelCheck check_model(const std::string& dir) {
  ModelCheck m;
  m.dir = dir;
  const std::vector<ComponentPlan> plans = plan_model(dir);  // checks the folder and model_index.json first
  m.pipeline_class = parse_config(dir + "/model_index.json").string_or("_class_name", "");
  for (const auto& plan : plans) m.components.push_back(check_component(dir + "/" + plan.name, plan));
  return m;
}

json::Value model_check_json(const ModelCheck& m) {
  using json::Value;
  std::vector<Value> components;
  for (const auto& c : m.components) {
    std::vector<Value> files;
    for (const auto& f : c.files) files.push_back(Value::make_string(f));
    std::map<std::string, Value> dtypes;
    for (const auto& [d, n] : c.dtypes) dtypes[d] = Value::make_number(static_cast<double>(n));
    std::vector<Value> ignored;
    for (const auto& n : c.ignored) ignored.push_back(Value::make_string(n));
    components.push_back(Value::make_object({{"name", Value::make_string(c.name)},
                                             {"class", Value::make_string(c.class_name)},
                                             {"dir", Value::make_string(c.dir)},
                                             {"index", c.index.empty() ? Value::make_null() : Value::make_string(c.index)},
                                             {"files", Value::make_array(files)},
                                             {"tensors", Value::make_number(static_cast<double>(c.tensors))},
                                             {"params", Value::make_number(static_cast<double>(c.params))},
                                             {"bytes", Value::make_number(static_cast<double>(c.bytes))},
                                             {"dtypes", Value::make_object(dtypes)},
                                             {"ignored", Value::make_array(ignored)}}));
  }
  return Value::make_object({{"dir", Value::make_string(m.dir)},
                             {"pipeline", Value::make_string(m.pipeline_class)},
                             {"components", Value::make_array(components)}});
}

json::Value model_plan_json(const std::vector<ComponentPlan>& plan) {
  using json::Value;
  std::map<std::string, Value> out;
  for (const auto& c : plan) {
    std::vector<Value> tensors;
    for (const auto& [name, shape] : c.specs) {
      std::vector<Value> dims;
      for (int64_t d : shape) dims.push_back(Value::make_number(static_cast<double>(d)));
      tensors.push_back(Value::make_array({Value::make_string(name), Value::make_array(dims)}));
    }
    out[c.name] = Value::make_object({{"class", Value::make_string(c.class_name)}, {"tensors", Value::make_array(tensors)}});
  }
  return Value::make_object(out);
}

}  // namespace gpuq
