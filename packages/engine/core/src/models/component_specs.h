// Which model classes (the class names diffusers writes into model_index.json) the engine loads,
// and each one's parameter list for its config.json. Used by the model check before loading.
// Errors: Unsupported for a class the engine does not load; the config parsers' own errors
// (NotFound for a missing key, Unsupported for options not implemented).
#pragma once

#include <string>

#include "models/param_specs.h"
#include "util/json.h"

namespace gpuq {

// True for the classes component_param_specs knows (UNet2DConditionModel, AutoencoderKL,
// CLIPTextModel, CLIPTextModelWithProjection, WanTransformer3DModel, AutoencoderKLWan,
// UMT5EncoderModel, CLIPVisionModel, CLIPVisionModelWithProjection).
bool is_loadable_model_class(const std::string& class_name);
// True for the parts of a pipeline that hold no weights (tokenizers, schedulers, processors).
bool is_weightless_class(const std::string& class_name);
ParamSpecs component_param_specs(const std::string& class_name, const json::Value& config);
// Checkpoint buffers the engine recomputes and never reads (older transformers saved CLIP's
// position_ids): accepted in a checkpoint, not required.
bool is_ignored_tensor(const std::string& name);

}  // namespace gpuq
