// The binding's operations, one AsyncWorker each (files *_worker.cpp). Each start_* function
// runs on the main thread with arguments already converted to core types, queues the worker and
// returns its Promise.
#pragma once

#include <napi.h>

#include <atomic>
#include <memory>
#include <string>

#include "pipeline/sdxl.h"
#include "pipeline_object.h"

namespace gpuq::binding {

using PipelineHandle = LoadedPipeline<SdxlPipeline>;

// The JS object around a loaded SDXL pipeline (pipeline_wrap.cpp).
Napi::Object wrap_pipeline(Napi::Env env, std::shared_ptr<PipelineHandle> handle);

// `config_dir` empty: `dir` is a diffusers folder; otherwise `dir` is a single-file checkpoint.
Napi::Promise start_load(Napi::Env env, const std::string& dir, const std::string& device, int threads,
                         const ComponentStorage& weight_storage, bool release_text_encoders,
                         const std::string& config_dir);
Napi::Promise start_encode_text(Napi::Env env, std::shared_ptr<PipelineHandle> h, std::vector<int64_t> ids1,
                                std::vector<int64_t> ids2);
Napi::Promise start_unet(Napi::Env env, std::shared_ptr<PipelineHandle> h, UNetInputs in, bool trace);
Napi::Promise start_vae(Napi::Env env, std::shared_ptr<PipelineHandle> h, Tensor z, bool trace);
// `on_progress` may be undefined; `cancel` is polled before each step.
Napi::Promise start_generate(Napi::Env env, std::shared_ptr<PipelineHandle> h, GenerateRequest req,
                             Napi::Value on_progress, std::shared_ptr<std::atomic<bool>> cancel);
Napi::Promise start_tiny_checkpoint(Napi::Env env, const std::string& dir, uint64_t seed);
Napi::Promise start_replay(Napi::Env env, const std::string& fixture_dir, const std::string& out_dir,
                           const std::string& device, int threads);

}  // namespace gpuq::binding
