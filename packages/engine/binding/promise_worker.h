// Base of every binding operation: an AsyncWorker whose Run() executes on a libuv worker thread
// (never touching JS), settling a Promise on the main thread. Core errors become JS Errors with
// the C++ message and `code` (GPUQ_*), the same codes the TS wrapper exports.
#pragma once

#include <napi.h>

#include <new>
#include <string>
#include <utility>

#include "util/error.h"

namespace gpuq::binding {

class PromiseWorker : public Napi::AsyncWorker {
 public:
  explicit PromiseWorker(Napi::Env env) : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise promise() { return deferred_.Promise(); }

 protected:
  virtual void Run() = 0;                          // background thread
  virtual Napi::Value Result(Napi::Env env) = 0;   // main thread, after Run succeeded

  void Execute() final {
    try {
      Run();
    } catch (const Error& e) {
      code_ = e.code_name();
      SetError(e.what());
    } catch (const std::bad_alloc&) {
      code_ = error_code_name(ErrorCode::OutOfMemory);
      SetError("out of memory");
    } catch (const std::exception& e) {
      code_ = error_code_name(ErrorCode::Internal);
      SetError(e.what());
    }
    Finished();
  }
  // Hook for workers holding thread-safe functions: called on the worker thread after Run.
  virtual void Finished() {}

  void OnOK() final {
    Napi::HandleScope scope(Env());
    try {
      deferred_.Resolve(Result(Env()));
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    }
  }
  void OnError(const Napi::Error& e) final {
    Napi::HandleScope scope(Env());
    Napi::Error err = Napi::Error::New(Env(), e.Message());
    err.Set("code", Napi::String::New(Env(), code_));
    deferred_.Reject(err.Value());
  }

 private:
  Napi::Promise::Deferred deferred_;
  std::string code_ = "GPUQ_INTERNAL";
};

// Creates a worker on the main thread, queues it (libuv owns and deletes it) and returns its Promise.
template <class Worker, class... Args>
Napi::Promise queue_worker(Napi::Env env, Args&&... args) {
  auto* worker = new Worker(env, std::forward<Args>(args)...);
  Napi::Promise promise = worker->promise();
  worker->Queue();
  return promise;
}

}  // namespace gpuq::binding
