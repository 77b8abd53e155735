// replay(fixtureDir, outDir, { device, threads }): the core replay on a worker thread; resolves
// with one row per tensor (the TS CLI prints them and sets the exit code).
#include "convert.h"
#include "promise_worker.h"
#include "replay/replay.h"
#include "workers.h"

namespace gpuq::binding {

namespace {
class ReplayWorker final : public PromiseWorker {
 public:
  ReplayWorker(Napi::Env env, std::string fixture, std::string out, std::string device, int threads)
      : PromiseWorker(env), fixture_(std::move(fixture)), out_(std::move(out)), device_(std::move(device)),
        threads_(threads) {}

 private:
  void Run() override { report_ = replay_fixture(fixture_, out_, make_backend(device_, threads_)); }
  Napi::Value Result(Napi::Env env) override {
    Napi::Array rows = Napi::Array::New(env, report_.rows.size());
    for (size_t i = 0; i < report_.rows.size(); ++i) {
      const ReplayRow& r = report_.rows[i];
      Napi::Object o = Napi::Object::New(env);
      o.Set("file", r.file);
      o.Set("name", r.name);
      o.Set("compared", r.compared);
      o.Set("pass", r.pass);
      o.Set("maxAbs", r.max_abs);
      o.Set("worstRatio", r.worst_ratio);
      o.Set("differing", static_cast<double>(r.differing));
      o.Set("note", r.note);
      rows.Set(i, o);
    }
    Napi::Object o = Napi::Object::New(env);
    o.Set("pipeline", report_.pipeline);
    o.Set("rows", rows);
    o.Set("ok", report_.ok());
    o.Set("text", report_.format());
    return o;
  }

  std::string fixture_, out_, device_;
  int threads_;
  ReplayReport report_;
};
}  // namespace

Napi::Promise start_replay(Napi::Env env, const std::string& fixture_dir, const std::string& out_dir,
                           const std::string& device, int threads) {
  return queue_worker<ReplayWorker>(env, fixture_dir, out_dir, device, threads);
}

}  // namespace gpuq::binding
