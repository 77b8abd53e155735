// load / loadWan of either pipeline: the folder is read and mapped on a worker thread, behind a
// backend that passed its device self-check, and the result is the pipeline's JS object. Only how
// a folder is opened and how the pipeline is wrapped differ between SDXL and WAN: `open` and
// `wrap` say it.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "pipeline/checked_backend.h"
#include "promise_worker.h"

namespace gpuq::binding {

// `Handle` holds the pipeline (`pipe`, a unique_ptr of the pipeline type) and its mutex.
template <class Handle>
class LoadWorker final : public PromiseWorker {
 public:
  using Pipeline = typename decltype(Handle::pipe)::element_type;
  // Runs on the worker thread with the backend `device` and `threads` chose.
  using Open = std::function<std::unique_ptr<Pipeline>(std::shared_ptr<Backend>)>;
  using Wrap = Napi::Object (*)(Napi::Env, std::shared_ptr<Handle>);

  LoadWorker(Napi::Env env, std::string device, int threads, Open open, Wrap wrap)
      : PromiseWorker(env), device_(std::move(device)), threads_(threads), open_(std::move(open)), wrap_(wrap) {}

 private:
  void Run() override {
    handle_ = std::make_shared<Handle>();
    handle_->pipe = open_(make_checked_backend(device_, threads_));
  }
  Napi::Value Result(Napi::Env env) override { return wrap_(env, handle_); }

  std::string device_;
  int threads_;
  Open open_;
  Wrap wrap_;
  std::shared_ptr<Handle> handle_;
};

}  // namespace gpuq::binding
