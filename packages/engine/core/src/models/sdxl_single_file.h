// Where each diffusers parameter of SDXL lives in a single-file checkpoint (the original
// Stability "SGM" layout that ComfyUI, AUTOMATIC1111 and civitai files use, e.g.
// sd_xl_base_1.0.safetensors):
//   unet            model.diffusion_model.*  (LDM names: input_blocks.N.M, middle_block, output_blocks)
//   vae             first_stage_model.*      (LDM names; mid-block attention stored as 1x1 convs)
//   text_encoder    conditioner.embedders.0.transformer.text_model.*  (transformers names kept)
//   text_encoder_2  conditioner.embedders.1.model.*  (OpenCLIP names: resblocks, ln_final,
//                   in_proj_weight = q, k, v stacked, text_projection stored transposed)
// The file holds no configs: the layout is computed from the diffusers configs of the model
// (block counts, layers per block), so it follows whatever UNet / VAE shape the configs describe.
// Errors (from read_sdxl_single_file): NotFound when a tensor the configs need is missing,
// BadFormat when a shape disagrees or the file holds a tensor no component uses; each message
// names the file and the tensor.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "io/safetensors.h"
#include "models/param_specs.h"
#include "util/json.h"

namespace gpuq {

enum class SingleFileTransform {
  None,
  Conv1x1,     // file [C_out, C_in, 1, 1] holds the diffusers linear [C_out, C_in]
  QkvPart,     // file [3 * D, ...] stacks q, k, v; `part` picks one
  Transposed,  // file [in, out] holds the diffusers linear [out, in]
};

struct SingleFileSource {
  std::string key;  // the tensor's name in the single file
  SingleFileTransform transform = SingleFileTransform::None;
  int part = 0;      // QkvPart: 0 = q, 1 = k, 2 = v
  Shape shape;       // the diffusers parameter's shape
  Shape file_shape;  // the shape stored in the file
};

// The four SDXL component configs (the diffusers config.json files).
struct SdxlComponentConfigs {
  json::Value unet, vae, text_encoder, text_encoder_2;
};

struct SdxlSingleFileComponent {
  std::string name;  // "unet", "vae", "text_encoder", "text_encoder_2"
  std::map<std::string, SingleFileSource> params;  // diffusers name -> source in the file
};

// Every parameter of the four components, in the order unet, vae, text_encoder, text_encoder_2.
std::vector<SdxlSingleFileComponent> sdxl_single_file_layout(const SdxlComponentConfigs& configs);

// Tensors found in published single-file checkpoints that no diffusers component uses
// (position ids buffer, OpenCLIP's contrastive logit scale): accepted and skipped.
bool is_ignored_single_file_key(const std::string& key);

// Reads every component from `file` by the layout: tensors borrow the file's mapping where no
// transform copies them. Checks every needed tensor exists with its shape and that no other
// tensor is in the file before returning. Keys: component name -> diffusers name -> tensor.
std::map<std::string, std::map<std::string, Tensor>> read_sdxl_single_file(
    const SafeTensorsFile& file, const std::vector<SdxlSingleFileComponent>& layout);

}  // namespace gpuq
