#include "replay/replay.h"

#include <cstdio>
#include <sstream>

#include "io/manifest.h"
#include "replay/replay_sink.h"
#include "util/error.h"

namespace gpuq {

void replay_sdxl(const Manifest& m, ReplaySink& sink, std::shared_ptr<Backend> backend);
void replay_wan(const Manifest& m, ReplaySink& sink, std::shared_ptr<Backend> backend);

bool ReplayReport::ok() const {
  for (const auto& r : rows)
    if (!r.pass) return false;
  return true;
}

std::string ReplayReport::format() const {
  std::ostringstream out;
  int compared = 0, failed = 0;
  for (const auto& r : rows) {
    char line[512];
    if (r.compared) {
      ++compared;
      std::snprintf(line, sizeof line, "%-4s %-40s %-52s max|err| %-10.3g %.3f of tol", r.pass ? "ok" : "MISS",
                    r.file.c_str(), r.name.c_str(), r.max_abs, r.worst_ratio);
    } else {
      std::snprintf(line, sizeof line, "%-4s %-40s %-52s", r.pass ? "--" : "MISS", r.file.c_str(), r.name.c_str());
    }
    out << line;
    if (r.differing) out << "  (" << r.differing << " values differ by <= 1)";
    if (!r.note.empty()) out << "  " << r.note;
    out << "\n";
    if (!r.pass) ++failed;
  }
  out << pipeline << ": " << rows.size() << " tensors written, " << compared << " compared, " << failed
      << " out of tolerance\n";
  return out.str();
}

ReplayReport replay_fixture(const std::string& fixture_dir, const std::string& out_dir,
                            std::shared_ptr<Backend> backend) {
  Manifest m = Manifest::load(fixture_dir);
  json::Value index = json::parse_file(fixture_dir + "/model_index.json");
  ReplayReport report;
  report.pipeline = index.string_or("_class_name", "?");
  ReplaySink sink(m, out_dir, report);
  if (report.pipeline == "StableDiffusionXLPipeline") replay_sdxl(m, sink, std::move(backend));
  else if (report.pipeline == "WanPipeline") replay_wan(m, sink, std::move(backend));
  else throw Error(ErrorCode::Unsupported, "replay: pipeline " + report.pipeline + " is not implemented yet");
  sink.flush();
  return report;
}

}  // namespace gpuq
