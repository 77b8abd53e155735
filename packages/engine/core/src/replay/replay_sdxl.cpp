// The SDXL part of replay: every reference file of an sdxl fixture, recomputed stage by stage
// from its stored inputs, with sizes, loops and guidance taken from the manifest's parameters.
#include <cstring>

#include "io/manifest.h"
#include "pipeline/image.h"
#include "pipeline/sdxl.h"
#include "replay/replay_sink.h"

namespace gpuq {

namespace {

const char* kText = "reference/text_encoders.safetensors";
const char* kPrompt = "reference/prompt_embeds.safetensors";
const char* kUnet = "reference/unet_forward.safetensors";
const char* kSched = "reference/schedulers.safetensors";
const char* kLoops = "reference/loops.safetensors";
const char* kVae = "reference/vae_decode.safetensors";

std::vector<int64_t> ids_of(const Tensor& t) {
  Tensor i = t.to_dtype(DType::I64);
  return std::vector<int64_t>(i.i64(), i.i64() + i.numel());
}

Tensor cat0(const Tensor& a, const Tensor& b) {
  Shape s = a.shape();
  s[0] += b.dim(0);
  Tensor out = Tensor::empty(s);
  std::memcpy(out.f32(), a.to_f32().f32(), a.numel() * 4);
  std::memcpy(out.f32() + a.numel(), b.to_f32().f32(), b.numel() * 4);
  return out;
}

void pair(const json::Value& params, const char* key, int64_t out[2]) {
  if (const json::Value* v = params.find(key)) {
    auto l = v->int_list();
    out[0] = l.at(0);
    out[1] = l.at(1);
  }
}

void text_encoders(SdxlPipeline& p, ReplaySink& sink, const std::string& who, PromptEmbeds* embeds) {
  ClipOutput out[2];
  for (int e = 1; e <= 2; ++e) {
    auto ids = ids_of(sink.input(kText, who + ".input_ids_" + std::to_string(e)));
    out[e - 1] = (e == 1 ? p.text_encoder_1() : p.text_encoder_2()).encode(ids, 1);
    const ClipOutput& o = out[e - 1];
    std::string pre = who + ".te" + std::to_string(e) + ".";
    Backend& be = p.backend();
    for (size_t i = 0; i < o.hidden_states.size(); ++i)
      sink.put(kText, pre + "hidden_states." + std::to_string(i), be.download(o.hidden_states[i]));
    sink.put(kText, pre + "last_hidden_state", be.download(o.last_hidden_state));
    sink.put(kText, pre + "pooler_output", be.download(o.pooled));
    if (o.text_embeds.defined()) sink.put(kText, pre + "text_embeds", be.download(o.text_embeds));
  }
  *embeds = p.assemble_prompt(out[0], out[1]);
}

}  // namespace

void replay_sdxl(const Manifest& m, ReplaySink& sink, std::shared_ptr<Backend> backend) {
  auto p = SdxlPipeline::load(m.dir, backend);
  Backend& be = *backend;
  const json::Value& params = m.raw.at("parameters");
  const int64_t height = params.int_or("height", 1024), width = params.int_or("width", 1024);
  int64_t orig[2] = {height, width}, crop[2] = {0, 0}, target[2] = {height, width};
  pair(params, "original_size", orig);
  pair(params, "crops_coords_top_left", crop);
  pair(params, "target_size", target);

  // A fixture may hold only some stages (say a full-size unet_forward and vae_decode): the text
  // encoders run only when their inputs are there.
  const bool has_text = sink.has_file(kText);
  const bool has_negative = has_text && sink.has_input(kText, "negative.input_ids_1");
  if (has_text) {
    PromptEmbeds pos, neg;
    text_encoders(*p, sink, "prompt", &pos);
    if (has_negative) text_encoders(*p, sink, "negative", &neg);

    Tensor time_ids = SdxlPipeline::add_time_ids(orig, crop, target);
    sink.put(kPrompt, "prompt_embeds", pos.embeds);
    sink.put(kPrompt, "pooled_prompt_embeds", pos.pooled);
    sink.put(kPrompt, "zero_negative_prompt_embeds", Tensor::zeros(pos.embeds.shape()));
    sink.put(kPrompt, "zero_negative_pooled_prompt_embeds", Tensor::zeros(pos.pooled.shape()));
    sink.put(kPrompt, "add_time_ids", time_ids);
    if (has_negative) {
      sink.put(kPrompt, "negative_prompt_embeds", neg.embeds);
      sink.put(kPrompt, "negative_pooled_prompt_embeds", neg.pooled);
      sink.put(kPrompt, "cfg.encoder_hidden_states", cat0(neg.embeds, pos.embeds));
      sink.put(kPrompt, "cfg.text_embeds", cat0(neg.pooled, pos.pooled));
      sink.put(kPrompt, "cfg.time_ids", cat0(time_ids, time_ids));
    }
  }

  if (sink.has_file(kUnet)) {
    UNetInputs in;
    in.sample = be.upload(sink.input(kUnet, "in.sample"));
    in.timesteps = {sink.input(kUnet, "in.timestep").item()};
    in.encoder_hidden_states = be.upload(sink.input(kUnet, "in.encoder_hidden_states"));
    in.text_embeds = be.upload(sink.input(kUnet, "in.text_embeds"));
    in.time_ids = be.upload(sink.input(kUnet, "in.time_ids"));
    Trace trace;
    p->unet().forward(in, &trace);
    for (const auto& [name, t] : trace) sink.put(kUnet, name, t);
  }

  if (const auto* specs = m.file(kSched)) {
    for (const auto& spec : *specs) {
      size_t a = spec.name.find('.'), b = spec.name.find('.', a + 1);
      if (a == std::string::npos || b == std::string::npos) continue;
      std::string name = spec.name.substr(0, a), field = spec.name.substr(b + 1);
      int64_t steps = std::stoll(spec.name.substr(a + 1, b - a - 1));
      std::string cfg_path = m.dir + "/reference/scheduler_" + name + ".json";
      SchedulerConfig cfg = is_file(cfg_path) ? SchedulerConfig::from_json(json::parse_file(cfg_path))
                                              : p->resolve_scheduler(name);
      Schedule s = make_schedule(cfg, steps);
      if (field == "timesteps") sink.put(kSched, spec.name, Tensor::from_vector({steps}, std::vector<float>(s.timesteps.begin(), s.timesteps.end())));
      else if (field == "sigmas") sink.put(kSched, spec.name, Tensor::from_vector({steps + 1}, s.sigmas));
      else if (field == "init_noise_sigma") sink.put(kSched, spec.name, Tensor::from_vector({}, {s.init_noise_sigma}));
    }
  }

  std::map<std::string, Tensor> images;
  if (sink.has_file(kLoops)) {
    Tensor initial = sink.input(kLoops, "initial_latents");
    for (const auto& loop : params.at("loops").as_array()) {
      const std::string name = loop.at("name").as_string();
      const std::string sched = loop.string_or("scheduler", name);
      GenerateRequest req;
      req.prompt_ids_1 = ids_of(sink.input(kText, "prompt.input_ids_1"));
      req.prompt_ids_2 = ids_of(sink.input(kText, "prompt.input_ids_2"));
      if (loop.bool_or("negative", true) && has_negative) {
        req.negative_ids_1 = ids_of(sink.input(kText, "negative.input_ids_1"));
        req.negative_ids_2 = ids_of(sink.input(kText, "negative.input_ids_2"));
      }
      req.height = height;
      req.width = width;
      req.steps = loop.at("steps").as_int();
      req.guidance_scale = static_cast<float>(loop.number_or("guidance_scale", params.number_or("guidance_scale", 5.0)));
      for (int k = 0; k < 2; ++k) {
        req.original_size[k] = orig[k];
        req.crops_coords_top_left[k] = crop[k];
        req.target_size[k] = target[k];
      }
      req.initial_latents = initial;
      for (int64_t i = 0; i < req.steps; ++i) {
        std::string n = name + ".step" + std::to_string(i) + ".noise";
        if (sink.has_input(kLoops, n)) req.step_noise.push_back(sink.input(kLoops, n));
      }
      std::string cfg_path = m.dir + "/reference/scheduler_" + sched + ".json";
      if (is_file(cfg_path)) {
        // Run with the exact config the reference loop used.
        SchedulerConfig cfg = SchedulerConfig::from_json(json::parse_file(cfg_path));
        req.scheduler = cfg.kind == SchedulerKind::DpmSolverMultistep
                            ? (cfg.use_karras_sigmas ? "dpmpp_2m_karras" : "dpmpp_2m")
                            : (cfg.kind == SchedulerKind::EulerAncestral ? "euler_ancestral" : "euler");
      } else {
        req.scheduler = sched;
      }
      Trace trace;
      GenerateResult r = p->generate(req, {}, &trace);
      for (const auto& [key, t] : trace) sink.put(kLoops, name + "." + key, t);
      images[name] = r.image_u8;
    }
  }
  if (const json::Value* pngs = m.raw.find("pngs")) {
    for (const auto& v : pngs->as_array()) {
      std::string rel = v.as_string();  // reference/image_<loop>.png
      std::string loop = rel.substr(rel.rfind("image_") + 6);
      loop = loop.substr(0, loop.size() - 4);
      auto it = images.find(loop);
      if (it != images.end()) sink.compare_png(rel, it->second.reshape({it->second.dim(1), it->second.dim(2), 3}));
    }
  }

  if (sink.has_file(kVae)) {
    const VaeDecoder& vae = p->vae();
    if (sink.has_input(kVae, "small.z")) {
      Trace trace;
      vae.decode(be.upload(sink.input(kVae, "small.z")), &trace);
      for (const auto& [name, t] : trace)
        sink.put(kVae, "small." + (name.rfind("module.", 0) == 0 ? name.substr(7) : name), t);
    }
    Tensor z = latents_to_vae_input(sink.input(kVae, "latents"), vae.config());
    sink.put(kVae, "z", z);
    Tensor image = be.download(vae.decode(be.upload(z)));
    sink.put(kVae, "image", image);
    sink.put(kVae, "image_np", image_to_nhwc01(image));
  }
}

}  // namespace gpuq
