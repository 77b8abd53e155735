// The WAN part of replay: every reference file of a wan fixture recomputed from its stored inputs
// (token ids and masks, in.*, initial_latents, vae_decode.latents, the scheduler configs), with
// sizes, frames and guidance from the manifest's parameters. Loops are the names in
// loops.safetensors that have a reference/scheduler_<name>.json.
#include "io/manifest.h"
#include "pipeline/wan.h"
#include "pipeline/wan_video.h"
#include "replay/replay_sink.h"

namespace gpuq {

namespace {

const char* kText = "reference/text_encoder.safetensors";
const char* kForward = "reference/transformer_forward.safetensors";
const char* kSched = "reference/schedulers.safetensors";
const char* kLoops = "reference/loops.safetensors";
const char* kVae = "reference/vae_decode.safetensors";

std::vector<int64_t> ints_of(const Tensor& t) {
  Tensor i = t.to_dtype(DType::I64);
  return std::vector<int64_t>(i.i64(), i.i64() + i.numel());
}

Tensor table(const FlowSchedule& s, bool timesteps) {
  const int64_t n = static_cast<int64_t>(s.timesteps.size());
  if (!timesteps) return Tensor::from_vector({n + 1}, s.sigmas);
  Tensor t = Tensor::empty({n}, s.integer_timesteps ? DType::I64 : DType::F32);
  for (int64_t i = 0; i < n; ++i) {
    if (s.integer_timesteps) t.i64()[i] = static_cast<int64_t>(s.timesteps[i]);
    else t.f32()[i] = static_cast<float>(s.timesteps[i]);
  }
  return t;
}

FlowSchedulerConfig config_for(const Manifest& m, const WanPipeline& p, const std::string& name) {
  const std::string path = m.dir + "/reference/scheduler_" + name + ".json";
  return is_file(path) ? FlowSchedulerConfig::from_json(json::parse_file(path)) : p.resolve_scheduler(name, 0);
}

}  // namespace

void replay_wan(const Manifest& m, ReplaySink& sink, std::shared_ptr<Backend> backend) {
  auto p = WanPipeline::load(m.dir, backend);
  Backend& be = *backend;
  const json::Value& params = m.raw.at("parameters");

  for (std::string who : {"prompt", "negative"}) {
    if (!sink.has_input(kText, who + ".input_ids")) continue;
    auto ids = ints_of(sink.input(kText, who + ".input_ids"));
    auto mask = ints_of(sink.input(kText, who + ".attention_mask"));
    Trace trace;
    Tensor embeds = p->encode_prompt(ids, mask, &trace);
    for (const auto& [name, t] : trace) sink.put(kText, who + "." + name, t);
    sink.put(kText, who + ".prompt_embeds", embeds);
  }

  if (sink.has_file(kForward)) {
    Tensor t = sink.input(kForward, "in.timestep").to_f32();
    Trace trace;
    p->transformer().forward(be.upload(sink.input(kForward, "in.hidden_states")),
                             std::vector<float>(t.f32(), t.f32() + t.numel()),
                             be.upload(sink.input(kForward, "in.encoder_hidden_states")), &trace);
    for (const auto& [name, value] : trace) sink.put(kForward, name, value);
  }

  if (const auto* specs = m.file(kSched)) {
    for (const auto& spec : *specs) {
      size_t a = spec.name.find('.'), b = spec.name.find('.', a + 1);
      if (a == std::string::npos || b == std::string::npos) continue;
      const std::string name = spec.name.substr(0, a), field = spec.name.substr(b + 1);
      FlowSchedule s = make_flow_schedule(config_for(m, *p, name), std::stoll(spec.name.substr(a + 1, b - a - 1)));
      if (field == "timesteps" || field == "sigmas") sink.put(kSched, spec.name, table(s, field == "timesteps"));
    }
  }

  if (const auto* specs = m.file(kLoops)) {
    Tensor initial = sink.input(kLoops, "initial_latents");
    for (const auto& spec : *specs) {
      const size_t dot = spec.name.find(".timesteps");
      if (dot == std::string::npos || dot + 10 != spec.name.size()) continue;
      const std::string name = spec.name.substr(0, dot);
      WanGenerateRequest req;
      req.prompt_ids = ints_of(sink.input(kText, "prompt.input_ids"));
      req.prompt_mask = ints_of(sink.input(kText, "prompt.attention_mask"));
      if (sink.has_input(kText, "negative.input_ids")) {
        req.negative_ids = ints_of(sink.input(kText, "negative.input_ids"));
        req.negative_mask = ints_of(sink.input(kText, "negative.attention_mask"));
      }
      req.height = params.int_or("height", 480);
      req.width = params.int_or("width", 832);
      req.num_frames = params.int_or("num_frames", 81);
      req.steps = spec.shape.empty() ? params.int_or("loop_steps", 3) : spec.shape[0];
      req.guidance_scale = static_cast<float>(params.number_or("guidance_scale", 5.0));
      req.initial_latents = initial;
      // Run the exact scheduler config the reference loop used.
      FlowSchedulerConfig cfg = config_for(m, *p, name);
      req.scheduler = cfg.kind == FlowKind::UniPC ? "unipc" : "flow_euler";
      req.flow_shift = cfg.shift;
      Trace trace;
      p->generate(req, {}, &trace);
      for (const auto& [key, t] : trace) sink.put(kLoops, name + "." + key, t);
    }
  }

  if (sink.has_file(kVae)) {
    const WanVaeDecoder& vae = p->vae();
    Tensor z = wan_latents_to_vae_input(sink.input(kVae, "latents"), vae.config());
    sink.put(kVae, "z", z);
    Trace trace;
    Tensor video = vae.decode(z, &trace);
    for (const auto& [name, t] : trace) sink.put(kVae, name, t);
    sink.put(kVae, "video", video);
    sink.put(kVae, "frames_np", video_to_frames01(video));
  }
}

}  // namespace gpuq
