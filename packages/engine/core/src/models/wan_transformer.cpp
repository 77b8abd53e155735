#include "models/wan_transformer.h"

#include <cmath>

#include "models/embeddings.h"
#include "util/error.h"

namespace gpuq {

WanTransformerConfig WanTransformerConfig::from_json(const json::Value& cfg) {
  WanTransformerConfig c;
  if (const json::Value* p = cfg.find("patch_size"); p && p->is_array() && p->as_array().size() == 3)
    for (int i = 0; i < 3; ++i) c.patch[i] = p->as_array()[i].as_int();
  c.heads = cfg.int_or("num_attention_heads", 40);
  c.head_dim = cfg.int_or("attention_head_dim", 128);
  c.in_channels = cfg.int_or("in_channels", 16);
  c.out_channels = cfg.int_or("out_channels", c.in_channels);
  c.text_dim = cfg.int_or("text_dim", 4096);
  c.freq_dim = cfg.int_or("freq_dim", 256);
  c.ffn_dim = cfg.int_or("ffn_dim", 13824);
  c.layers = cfg.int_or("num_layers", 40);
  c.rope_max_seq_len = cfg.int_or("rope_max_seq_len", 1024);
  c.cross_attn_norm = cfg.bool_or("cross_attn_norm", true);
  c.eps = static_cast<float>(cfg.number_or("eps", 1e-6));
  const json::Value* qk = cfg.find("qk_norm");
  c.qk_norm = qk && !qk->is_null();
  check(!c.qk_norm || qk->as_string() == "rms_norm_across_heads", ErrorCode::Unsupported,
        "WAN qk_norm " + (c.qk_norm ? qk->as_string() : std::string()));
  // Image-to-video: image_dim (the CLIP width) and added_kv_proj_dim (the added keys' input, which
  // the image embedder projects to the model dim) come together.
  auto optional_int = [&](const char* key) -> int64_t {
    const json::Value* v = cfg.find(key);
    return v && !v->is_null() ? v->as_int() : 0;
  };
  c.image_dim = optional_int("image_dim");
  const int64_t added_kv = optional_int("added_kv_proj_dim");
  check((c.image_dim > 0) == (added_kv > 0), ErrorCode::Unsupported,
        "WAN: image_dim and added_kv_proj_dim must both be set (image-to-video) or both null");
  check(added_kv == 0 || added_kv == c.dim(), ErrorCode::Unsupported,
        "WAN: added_kv_proj_dim " + std::to_string(added_kv) + " differs from the model dim " + std::to_string(c.dim()));
  check(optional_int("pos_embed_seq_len") == 0, ErrorCode::Unsupported,
        "WAN: pos_embed_seq_len (first-last-frame image position embedding) is not implemented");
  check(c.head_dim % 2 == 0 && c.head_dim >= 6, ErrorCode::Unsupported, "WAN attention_head_dim must be even, >= 6");
  return c;
}

void wan_rope_table(const WanTransformerConfig& cfg, int64_t f, int64_t h, int64_t w, Tensor& cos, Tensor& sin) {
  const int64_t d = cfg.head_dim, half = d / 2;
  // Axis widths as diffusers splits them: height and width 2 * (d / 6) channels each, time the rest.
  const int64_t hw_dim = 2 * (d / 6), t_dim = d - 2 * hw_dim;
  const int64_t dims[3] = {t_dim, hw_dim, hw_dim}, sizes[3] = {f, h, w};
  for (int a = 0; a < 3; ++a)
    check(sizes[a] <= cfg.rope_max_seq_len, ErrorCode::InvalidArgument,
          "WAN: patch grid exceeds rope_max_seq_len " + std::to_string(cfg.rope_max_seq_len));
  cos = Tensor::empty({f * h * w, half});
  sin = Tensor::empty({f * h * w, half});
  for (int64_t i = 0; i < f; ++i)
    for (int64_t j = 0; j < h; ++j)
      for (int64_t k = 0; k < w; ++k) {
        const int64_t tok = (i * h + j) * w + k, pos[3] = {i, j, k};
        int64_t col = 0;
        for (int a = 0; a < 3; ++a)
          for (int64_t q = 0; q < dims[a] / 2; ++q, ++col) {
            // get_1d_rotary_pos_embed in float64: θ^(-2q/dim) times the position.
            const double freq = 1.0 / std::pow(10000.0, static_cast<double>(2 * q) / static_cast<double>(dims[a]));
            const double angle = static_cast<double>(pos[a]) * freq;
            cos.f32()[tok * half + col] = static_cast<float>(std::cos(angle));
            sin.f32()[tok * half + col] = static_cast<float>(std::sin(angle));
          }
      }
}

WanTransformer::WanTransformer(Weights weights, Backend& backend)
    : weights_(std::move(weights)), be_(backend), cfg_(WanTransformerConfig::from_json(weights_.config())) {
  ones_ = be_.upload(Tensor::full({cfg_.dim()}, 1.0f));
}

Tensor WanTransformer::layer_norm_plain(const Tensor& x) const { return be_.layer_norm(x, ones_, nullptr, cfg_.eps); }

Tensor WanTransformer::self_attention(const std::string& p, const Tensor& x, const Tensor& cos, const Tensor& sin) const {
  auto w = [&](const std::string& n) -> const Tensor& { return weights_.get(p + n); };
  Tensor q = be_.linear(x, w("to_q.weight"), weights_.find(p + "to_q.bias"));
  Tensor k = be_.linear(x, w("to_k.weight"), weights_.find(p + "to_k.bias"));
  Tensor v = be_.linear(x, w("to_v.weight"), weights_.find(p + "to_v.bias"));
  if (cfg_.qk_norm) {
    q = be_.rms_norm(q, &w("norm_q.weight"), cfg_.eps);
    k = be_.rms_norm(k, &w("norm_k.weight"), cfg_.eps);
  }
  const int heads = static_cast<int>(cfg_.heads);
  q = be_.rope(q, cos, sin, heads);
  k = be_.rope(k, cos, sin, heads);
  Tensor a = be_.attention(q, k, v, heads, 1.0f / std::sqrt(static_cast<float>(cfg_.head_dim)), false);
  return be_.linear(a, w("to_out.0.weight"), weights_.find(p + "to_out.0.bias"));
}

Tensor WanTransformer::cross_attention(const std::string& p, const Tensor& x, const Tensor& context,
                                       const Tensor& image, CrossAttentionCache* cache) const {
  auto w = [&](const std::string& n) -> const Tensor& { return weights_.get(p + n); };
  Tensor q = be_.linear(x, w("to_q.weight"), weights_.find(p + "to_q.bias"));
  if (cfg_.qk_norm) q = be_.rms_norm(q, &w("norm_q.weight"), cfg_.eps);
  std::pair<Tensor, Tensor> kv;
  auto hit = cache ? cache->kv.find(p) : decltype(cache->kv.end()){};
  if (cache && hit != cache->kv.end()) {
    kv = hit->second;
  } else {
    kv.first = be_.linear(context, w("to_k.weight"), weights_.find(p + "to_k.bias"));
    if (cfg_.qk_norm) kv.first = be_.rms_norm(kv.first, &w("norm_k.weight"), cfg_.eps);
    kv.second = be_.linear(context, w("to_v.weight"), weights_.find(p + "to_v.bias"));
    if (cache) cache->kv[p] = kv;
  }
  const float scale = 1.0f / std::sqrt(static_cast<float>(cfg_.head_dim));
  Tensor a = be_.attention(q, kv.first, kv.second, static_cast<int>(cfg_.heads), scale, false);
  if (image.defined()) {
    // The image tokens: their own keys (RMS-normed across heads) and values, the same queries, the
    // two attention outputs summed.
    const std::string img_key = p + "add_kv";
    std::pair<Tensor, Tensor> ikv;
    if (cache && cache->kv.count(img_key)) {
      ikv = cache->kv[img_key];
    } else {
      ikv.first = be_.linear(image, w("add_k_proj.weight"), weights_.find(p + "add_k_proj.bias"));
      ikv.first = be_.rms_norm(ikv.first, &w("norm_added_k.weight"), cfg_.eps);
      ikv.second = be_.linear(image, w("add_v_proj.weight"), weights_.find(p + "add_v_proj.bias"));
      if (cache) cache->kv[img_key] = ikv;
    }
    a = be_.add(a, be_.attention(q, ikv.first, ikv.second, static_cast<int>(cfg_.heads), scale, false));
  }
  return be_.linear(a, w("to_out.0.weight"), weights_.find(p + "to_out.0.bias"));
}

Tensor WanTransformer::image_embedder(const Tensor& image_embeds) const {
  // WanImageEmbedding: FP32LayerNorm (eps 1e-5, affine), FeedForward(mult 1, exact GELU), LayerNorm.
  const std::string p = "condition_embedder.image_embedder.";
  auto w = [&](const std::string& n) -> const Tensor& { return weights_.get(p + n); };
  Tensor x = be_.layer_norm(image_embeds, w("norm1.weight"), weights_.find(p + "norm1.bias"), 1e-5f);
  x = be_.linear(x, w("ff.net.0.proj.weight"), weights_.find(p + "ff.net.0.proj.bias"));
  x = be_.linear(be_.activation(x, Activation::GeluErf), w("ff.net.2.weight"), weights_.find(p + "ff.net.2.bias"));
  return be_.layer_norm(x, w("norm2.weight"), weights_.find(p + "norm2.bias"), 1e-5f);
}

namespace {
// Rows of (table [1, n, C] + proj) split into n tensors [B, C] (diffusers' chunk order). proj is
// [B, n*C] (the blocks' 6-way projection) or [B, C], added to every row (the output's temb).
std::vector<Tensor> modulation_chunks(Backend& be, const Tensor& table, const Tensor& proj, int64_t n) {
  Tensor t = be.download(table), pr = be.download(proj);
  const int64_t batch = pr.dim(0), c = t.numel() / n;
  const bool shared = pr.numel() == batch * c;
  check(t.numel() == n * c && (shared || pr.numel() == batch * n * c), ErrorCode::InvalidArgument,
        "WAN: scale_shift_table " + shape_str(t.shape()) + " vs " + shape_str(pr.shape()));
  std::vector<Tensor> out;
  for (int64_t k = 0; k < n; ++k) {
    Tensor m = Tensor::empty({batch, c});
    for (int64_t b = 0; b < batch; ++b)
      for (int64_t j = 0; j < c; ++j) m.f32()[b * c + j] = t.f32()[k * c + j] + pr.f32()[shared ? b * c + j : (b * n + k) * c + j];
    out.push_back(be.upload(m));
  }
  return out;
}
}  // namespace

Tensor WanTransformer::forward(const Tensor& latents, const std::vector<float>& timesteps, const Tensor& context,
                               Trace* trace, CrossAttentionCache* kv_cache, const Tensor* image_embeds) const {
  auto rec = [&](const std::string& n, const Tensor& t) {
    if (trace) (*trace)[n] = be_.download(t);
  };
  check(latents.ndim() == 5 && latents.dim(1) == cfg_.in_channels, ErrorCode::InvalidArgument,
        "WAN transformer: latents " + shape_str(latents.shape()) + ", expected [B, " +
            std::to_string(cfg_.in_channels) + ", F, H, W]");
  const int64_t batch = latents.dim(0);
  check(static_cast<int64_t>(timesteps.size()) == batch && context.ndim() == 3 && context.dim(0) == batch &&
            context.dim(2) == cfg_.text_dim,
        ErrorCode::InvalidArgument, "WAN transformer: timesteps / context " + shape_str(context.shape()) + " vs batch");
  check(cfg_.image_conditioned() == (image_embeds != nullptr), ErrorCode::InvalidArgument,
        cfg_.image_conditioned() ? "WAN transformer: this image-to-video model needs image embeddings"
                                 : "WAN transformer: image embeddings given to a text-only model (no image_dim)");
  if (image_embeds)
    check(image_embeds->ndim() == 3 && image_embeds->dim(0) == batch && image_embeds->dim(2) == cfg_.image_dim,
          ErrorCode::InvalidArgument,
          "WAN transformer: image embeddings " + shape_str(image_embeds->shape()) + ", expected [" +
              std::to_string(batch) + ", L, " + std::to_string(cfg_.image_dim) + "]");
  const int64_t pf = cfg_.patch[0], ph = cfg_.patch[1], pw = cfg_.patch[2];
  check(latents.dim(2) % pf == 0 && latents.dim(3) % ph == 0 && latents.dim(4) % pw == 0,
        ErrorCode::InvalidArgument, "WAN transformer: latents " + shape_str(latents.shape()) + " not divisible by the patch");
  const int64_t f = latents.dim(2) / pf, h = latents.dim(3) / ph, w = latents.dim(4) / pw, len = f * h * w;
  const int64_t dim = cfg_.dim();

  Tensor cos, sin;
  wan_rope_table(cfg_, f, h, w, cos, sin);
  if (trace) {
    (*trace)["rope.cos"] = cos.reshape({1, 1, len, cfg_.head_dim / 2});
    (*trace)["rope.sin"] = sin.reshape({1, 1, len, cfg_.head_dim / 2});
  }
  cos = be_.upload(cos);
  sin = be_.upload(sin);

  const std::vector<int> patch{static_cast<int>(pf), static_cast<int>(ph), static_cast<int>(pw)};
  Tensor x = be_.conv3d(latents, weights_.get("patch_embedding.weight"), weights_.find("patch_embedding.bias"), patch,
                        {0, 0, 0});
  rec("patch_embedding", x);
  x = be_.nchw_to_nlc(x.reshape({batch, dim, f * h, w}));  // [B, L, dim], tokens in (f, h, w) order

  Tensor proj = be_.upload(timestep_sinusoids(timesteps, cfg_.freq_dim, /*flip=*/true, 0.0f));
  rec("timesteps_proj", proj);
  Tensor temb = timestep_mlp(be_, weights_, "condition_embedder.time_embedder", proj);
  rec("temb", temb);
  Tensor tproj = be_.linear(be_.activation(temb, Activation::SiLU), weights_.get("condition_embedder.time_proj.weight"),
                            weights_.find("condition_embedder.time_proj.bias"));
  rec("timestep_proj", tproj.reshape({batch, 6, dim}));
  // The projected text is as fixed as the keys and values made from it: cached with them.
  const std::string text_key = "condition_embedder.text_embedder";
  Tensor ctx;
  if (kv_cache && kv_cache->kv.count(text_key)) {
    ctx = kv_cache->kv[text_key].first;
  } else {
    ctx = be_.linear(context, weights_.get(text_key + ".linear_1.weight"), weights_.find(text_key + ".linear_1.bias"));
    ctx = be_.linear(be_.activation(ctx, Activation::GeluTanh), weights_.get(text_key + ".linear_2.weight"),
                     weights_.find(text_key + ".linear_2.bias"));
    if (kv_cache) kv_cache->kv[text_key] = {ctx, Tensor()};
  }
  rec("text_embedder", ctx);
  // The projected image tokens: as fixed as the text, cached beside it.
  Tensor img;
  if (image_embeds) {
    const std::string image_key = "condition_embedder.image_embedder";
    if (kv_cache && kv_cache->kv.count(image_key)) {
      img = kv_cache->kv[image_key].first;
    } else {
      img = image_embedder(*image_embeds);
      if (kv_cache) kv_cache->kv[image_key] = {img, Tensor()};
    }
    rec("image_embedder", img);
  }

  for (int64_t i = 0; i < cfg_.layers; ++i) {
    const std::string p = "blocks." + std::to_string(i) + ".";
    // shift, scale, gate (self-attention), then shift, scale, gate (feed-forward).
    std::vector<Tensor> mod = modulation_chunks(be_, weights_.get(p + "scale_shift_table"), tproj, 6);
    Tensor a = self_attention(p + "attn1.", be_.modulate(layer_norm_plain(x), mod[1], mod[0]), cos, sin);
    rec(p + "attn1", a);
    x = be_.add_gated(x, a, mod[2]);
    Tensor n2 = cfg_.cross_attn_norm
                    ? be_.layer_norm(x, weights_.get(p + "norm2.weight"), weights_.find(p + "norm2.bias"), cfg_.eps)
                    : x;
    a = cross_attention(p + "attn2.", n2, ctx, img, kv_cache);
    rec(p + "attn2", a);
    x = be_.add(x, a);
    Tensor ff = be_.modulate(layer_norm_plain(x), mod[4], mod[3]);
    ff = be_.linear(ff, weights_.get(p + "ffn.net.0.proj.weight"), weights_.find(p + "ffn.net.0.proj.bias"));
    ff = be_.linear(be_.activation(ff, Activation::GeluTanh), weights_.get(p + "ffn.net.2.weight"),
                    weights_.find(p + "ffn.net.2.bias"));
    rec(p + "ffn", ff);
    x = be_.add_gated(x, ff, mod[5]);
    rec("blocks." + std::to_string(i), x);
  }

  // Output: shift, scale from the top-level table plus temb (not the 6-way projection).
  std::vector<Tensor> out_mod = modulation_chunks(be_, weights_.get("scale_shift_table"), temb, 2);
  x = be_.modulate(layer_norm_plain(x), out_mod[1], out_mod[0]);
  rec("proj_out_in", x);
  x = be_.linear(x, weights_.get("proj_out.weight"), weights_.find("proj_out.bias"));
  rec("proj_out", x);
  // [B, f, h, w, pf, ph, pw, C] -> [B, C, f, pf, h, ph, w, pw] = [B, C, F, H, W].
  x = be_.permute(x.reshape({batch, f, h, w, pf, ph, pw, cfg_.out_channels}), {0, 7, 1, 4, 2, 5, 3, 6});
  x = x.reshape({batch, cfg_.out_channels, f * pf, h * ph, w * pw});
  rec("output", x);
  return x;
}

}  // namespace gpuq
