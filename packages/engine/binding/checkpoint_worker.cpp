// makeTinyCheckpoint(dir, seed): writes the random-weight tiny SDXL checkpoint off the main thread.
#include "pipeline/tiny_checkpoint.h"
#include "promise_worker.h"
#include "workers.h"

namespace gpuq::binding {

namespace {
class TinyCheckpointWorker final : public PromiseWorker {
 public:
  TinyCheckpointWorker(Napi::Env env, std::string dir, uint64_t seed)
      : PromiseWorker(env), dir_(std::move(dir)), seed_(seed) {}

 private:
  void Run() override { write_tiny_sdxl_checkpoint(dir_, {seed_}); }
  Napi::Value Result(Napi::Env env) override { return Napi::String::New(env, dir_); }

  std::string dir_;
  uint64_t seed_;
};
}  // namespace

Napi::Promise start_tiny_checkpoint(Napi::Env env, const std::string& dir, uint64_t seed) {
  return queue_worker<TinyCheckpointWorker>(env, dir, seed);
}

}  // namespace gpuq::binding
