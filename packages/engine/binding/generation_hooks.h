// Progress and cancellation for a generation running on a worker thread, shared by the SDXL and
// WAN generate workers: progress goes to JS through a ThreadSafeFunction after each step; the
// cancel flag is polled by the pipeline before each step, so a cancel takes effect within one step.
#pragma once

#include <napi.h>

#include <atomic>
#include <cstdint>
#include <memory>

#include "pipeline/sdxl.h"

namespace gpuq::binding {

class GenerationHooks {
 public:
  // Main thread. `on_progress` may be undefined (no progress wanted).
  GenerationHooks(Napi::Env env, Napi::Value on_progress, std::shared_ptr<std::atomic<bool>> cancel,
                  const char* resource_name)
      : cancel_(std::move(cancel)) {
    if (on_progress.IsFunction()) {
      tsfn_ = Napi::ThreadSafeFunction::New(env, on_progress.As<Napi::Function>(), resource_name, 0, 1);
      has_tsfn_ = true;
    }
  }

  // Worker thread: the hooks the core pipeline calls.
  GenerateHooks hooks() {
    GenerateHooks hooks;
    hooks.cancelled = [this] { return cancel_->load(std::memory_order_relaxed); };
    if (has_tsfn_) {
      hooks.on_step = [this](int64_t step, int64_t total) {
        tsfn_.NonBlockingCall(new Step{step, total}, [](Napi::Env env, Napi::Function fn, Step* s) {
          try {
            fn.Call({Napi::Number::New(env, static_cast<double>(s->step)),
                     Napi::Number::New(env, static_cast<double>(s->total))});
          } catch (const Napi::Error&) {
            // A throwing progress listener must not abort the native loop; the TS wrapper
            // catches listener errors before they get here.
          }
          delete s;
        });
      };
    }
    return hooks;
  }

  // Worker thread, after the run: lets the ThreadSafeFunction (and the process) go.
  void release() {
    if (has_tsfn_) tsfn_.Release();
  }

 private:
  struct Step {
    int64_t step, total;
  };

  std::shared_ptr<std::atomic<bool>> cancel_;
  Napi::ThreadSafeFunction tsfn_;
  bool has_tsfn_ = false;
};

}  // namespace gpuq::binding
