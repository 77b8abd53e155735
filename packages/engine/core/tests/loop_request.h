// The request of one sdxl-tiny reference loop (manifest parameters.loops[i]): token ids from
// text_encoders.safetensors, sizes and guidance from the manifest, initial latents and any
// per-step noise from loops.safetensors, so a test runs exactly what diffusers ran.
#pragma once

#include <string>
#include <vector>

#include "io/safetensors.h"
#include "pipeline/sdxl.h"
#include "util/json.h"

namespace gpuq::test {

inline std::vector<int64_t> token_ids(const SafeTensorsFile& f, const std::string& name) {
  Tensor t = f.get(name);
  return std::vector<int64_t>(t.i64(), t.i64() + t.numel());
}

inline GenerateRequest loop_request(const json::Value& params, const json::Value& loop,
                                    const SafeTensorsFile& text_encoders, const SafeTensorsFile& loops) {
  const std::string name = loop.at("name").as_string();
  GenerateRequest req;
  req.prompt_ids_1 = token_ids(text_encoders, "prompt.input_ids_1");
  req.prompt_ids_2 = token_ids(text_encoders, "prompt.input_ids_2");
  if (loop.at("negative").as_bool()) {
    req.negative_ids_1 = token_ids(text_encoders, "negative.input_ids_1");
    req.negative_ids_2 = token_ids(text_encoders, "negative.input_ids_2");
  }
  req.height = params.at("height").as_int();
  req.width = params.at("width").as_int();
  req.steps = loop.at("steps").as_int();
  req.guidance_scale = static_cast<float>(params.at("guidance_scale").as_number());
  auto os = params.at("original_size").int_list(), cc = params.at("crops_coords_top_left").int_list(),
       ts = params.at("target_size").int_list();
  for (int k = 0; k < 2; ++k) {
    req.original_size[k] = os[k];
    req.crops_coords_top_left[k] = cc[k];
    req.target_size[k] = ts[k];
  }
  req.initial_latents = loops.get("initial_latents");
  for (int64_t i = 0; i < req.steps; ++i)
    if (loops.has(name + ".step" + std::to_string(i) + ".noise"))
      req.step_noise.push_back(loops.get(name + ".step" + std::to_string(i) + ".noise"));
  req.scheduler = loop.at("scheduler").as_string();
  return req;
}

}  // namespace gpuq::test
