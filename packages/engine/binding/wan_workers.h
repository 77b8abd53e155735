// The binding's WAN operations (wan_*_worker.cpp): load a WanPipeline and run generate on a
// worker thread. Same conventions as workers.h: arguments converted on the main thread, one
// AsyncWorker per operation, a Promise per call.
#pragma once

#include <napi.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "pipeline/wan.h"
#include "pipeline_object.h"

namespace gpuq::binding {

using WanHandle = LoadedPipeline<WanPipeline>;

// The JS object around a loaded WAN pipeline (wan_pipeline_wrap.cpp).
Napi::Object wrap_wan_pipeline(Napi::Env env, std::shared_ptr<WanHandle> handle);

Napi::Promise start_wan_load(Napi::Env env, const std::string& dir, const std::string& device, int threads,
                             const ComponentStorage& weight_storage, bool release_text_encoders);
// `on_progress` may be undefined; `cancel` is polled before each step.
Napi::Promise start_wan_generate(Napi::Env env, std::shared_ptr<WanHandle> h, WanGenerateRequest req,
                                 Napi::Value on_progress, std::shared_ptr<std::atomic<bool>> cancel);

// One stage of the pipeline, run on the worker thread: returns a CPU tensor, fills the trace when
// given one.
using WanStage = std::function<Tensor(WanPipeline&, Trace*)>;  // Stage<WanPipeline> (stage_worker.h)
Napi::Promise start_wan_stage(Napi::Env env, std::shared_ptr<WanHandle> h, WanStage stage, bool trace);

}  // namespace gpuq::binding
