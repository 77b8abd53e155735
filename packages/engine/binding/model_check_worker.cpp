// checkModel(dir) and modelPlan(dir): the model check (core/src/pipeline/model_check.h) off the
// main thread. Both resolve to the report as a JSON string, which the TS wrapper parses and types.
#include "model_check_workers.h"
#include "pipeline/model_check.h"
#include "promise_worker.h"

namespace gpuq::binding {

namespace {

class ModelCheckWorker final : public PromiseWorker {
 public:
  ModelCheckWorker(Napi::Env env, std::string dir, bool plan_only)
      : PromiseWorker(env), dir_(std::move(dir)), plan_only_(plan_only) {}

 private:
  void Run() override {
    report_ = json::dump(plan_only_ ? model_plan_json(plan_model(dir_)) : model_check_json(check_model(dir_)));
  }
  Napi::Value Result(Napi::Env env) override { return Napi::String::New(env, report_); }
  std::string dir_, report_;
  bool plan_only_;
};

Napi::Value start(const Napi::CallbackInfo& info, bool plan_only, const char* name) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString())
    throw Napi::TypeError::New(env, std::string(name) + "(dir): dir must be a string");
  return queue_worker<ModelCheckWorker>(env, info[0].As<Napi::String>().Utf8Value(), plan_only);
}

}  // namespace

Napi::Value check_model_js(const Napi::CallbackInfo& info) { return start(info, false, "checkModel"); }
Napi::Value model_plan_js(const Napi::CallbackInfo& info) { return start(info, true, "modelPlan"); }

}  // namespace gpuq::binding
