# Writes sd_xl_base_1.0.keys.tsv: every tensor name and shape of the single-file SDXL base
# checkpoint, made outside the engine's code. The diffusers parameter names and shapes are
# enumerated here from the verbatim SDXL base configs, following the module layout of diffusers
# v0.33 (UNet2DConditionModel, AutoencoderKL) and transformers (CLIPTextModel[WithProjection]);
# the single-file names come from running diffusers' own conversion maps,
# scripts/convert_diffusers_to_original_sdxl.py (huggingface/diffusers @ 58eb52c), on them.
# That script is not part of this repository: place it beside this file as conv_sdxl.py, then
#   python3 make-key-list.py ../../../configs/stable-diffusion-xl-base-1.0 sd_xl_base_1.0.keys.tsv
# torch and safetensors are stubbed: only the script's name mapping and reshapes run.
import json, sys, types

class Fake:
    def __init__(self, shape): self.shape = tuple(shape); self.ndim = len(shape)
    @property
    def T(self): return Fake(self.shape[::-1])
    def contiguous(self): return self
    def reshape(self, *s): return Fake(s)

torch = types.ModuleType("torch")
torch.cat = lambda ts: Fake((sum(t.shape[0] for t in ts),) + ts[0].shape[1:])
sys.modules["torch"] = torch
st = types.ModuleType("safetensors"); stt = types.ModuleType("safetensors.torch")
stt.load_file = stt.save_file = None
sys.modules["safetensors"] = st; sys.modules["safetensors.torch"] = stt
conv = {}
exec(open("conv_sdxl.py").read().split('if __name__ == "__main__":')[0], conv)

cfg_dir, out_path = sys.argv[1], sys.argv[2]
load = lambda c: json.load(open(f"{cfg_dir}/{c}/config.json"))

def norm(d, p, c): d[p + ".weight"] = (c,); d[p + ".bias"] = (c,)
def lin(d, p, i, o, bias=True):
    d[p + ".weight"] = (o, i)
    if bias: d[p + ".bias"] = (o,)
def conv2d(d, p, i, o, k): d[p + ".weight"] = (o, i, k, k); d[p + ".bias"] = (o,)
def resnet(d, p, i, o, temb):
    norm(d, p + ".norm1", i); conv2d(d, p + ".conv1", i, o, 3)
    if temb: lin(d, p + ".time_emb_proj", temb, o)
    norm(d, p + ".norm2", o); conv2d(d, p + ".conv2", o, o, 3)
    if i != o: conv2d(d, p + ".conv_shortcut", i, o, 1)
def transformer(d, p, c, depth, cross):
    norm(d, p + ".norm", c); lin(d, p + ".proj_in", c, c)
    for b in range(depth):
        q = f"{p}.transformer_blocks.{b}"
        for n in ("norm1", "norm2", "norm3"): norm(d, f"{q}.{n}", c)
        for a, kv in (("attn1", c), ("attn2", cross)):
            lin(d, f"{q}.{a}.to_q", c, c, False); lin(d, f"{q}.{a}.to_k", kv, c, False)
            lin(d, f"{q}.{a}.to_v", kv, c, False); lin(d, f"{q}.{a}.to_out.0", c, c)
        lin(d, f"{q}.ff.net.0.proj", c, 8 * c); lin(d, f"{q}.ff.net.2", 4 * c, c)
    lin(d, p + ".proj_out", c, c)

def unet(cfg):
    d = {}; ch = cfg["block_out_channels"]; temb = 4 * ch[0]; L = cfg["layers_per_block"]
    depth = cfg["transformer_layers_per_block"]; cross = cfg["cross_attention_dim"]
    conv2d(d, "conv_in", cfg["in_channels"], ch[0], 3)
    lin(d, "time_embedding.linear_1", ch[0], temb); lin(d, "time_embedding.linear_2", temb, temb)
    lin(d, "add_embedding.linear_1", cfg["projection_class_embeddings_input_dim"], temb)
    lin(d, "add_embedding.linear_2", temb, temb)
    prev = ch[0]
    for i, t in enumerate(cfg["down_block_types"]):
        for j in range(L):
            resnet(d, f"down_blocks.{i}.resnets.{j}", prev if j == 0 else ch[i], ch[i], temb)
            if t.startswith("CrossAttn"): transformer(d, f"down_blocks.{i}.attentions.{j}", ch[i], depth[i], cross)
        if i + 1 < len(ch): conv2d(d, f"down_blocks.{i}.downsamplers.0.conv", ch[i], ch[i], 3)
        prev = ch[i]
    c = ch[-1]
    resnet(d, "mid_block.resnets.0", c, c, temb); transformer(d, "mid_block.attentions.0", c, depth[-1], cross)
    resnet(d, "mid_block.resnets.1", c, c, temb)
    rch, rdepth = ch[::-1], depth[::-1]; prev = rch[0]
    for i, t in enumerate(cfg["up_block_types"]):
        o = rch[i]; skip_in = rch[min(i + 1, len(ch) - 1)]
        for j in range(L + 1):
            skip = skip_in if j == L else o
            resnet(d, f"up_blocks.{i}.resnets.{j}", (prev if j == 0 else o) + skip, o, temb)
            if t.startswith("CrossAttn"): transformer(d, f"up_blocks.{i}.attentions.{j}", o, rdepth[i], cross)
        if i + 1 < len(ch): conv2d(d, f"up_blocks.{i}.upsamplers.0.conv", o, o, 3)
        prev = o
    norm(d, "conv_norm_out", ch[0]); conv2d(d, "conv_out", ch[0], cfg["out_channels"], 3)
    return d

def vae(cfg):
    d = {}; ch = cfg["block_out_channels"]; L = cfg["layers_per_block"]; z = cfg["latent_channels"]; c = ch[-1]
    conv2d(d, "encoder.conv_in", cfg["in_channels"], ch[0], 3); prev = ch[0]
    for i in range(len(ch)):
        for j in range(L): resnet(d, f"encoder.down_blocks.{i}.resnets.{j}", prev if j == 0 else ch[i], ch[i], 0)
        if i + 1 < len(ch): conv2d(d, f"encoder.down_blocks.{i}.downsamplers.0.conv", ch[i], ch[i], 3)
        prev = ch[i]
    for side in ("encoder", "decoder"):
        if side == "decoder":
            conv2d(d, "post_quant_conv", z, z, 1); conv2d(d, "decoder.conv_in", z, c, 3)
        resnet(d, f"{side}.mid_block.resnets.0", c, c, 0)
        norm(d, f"{side}.mid_block.attentions.0.group_norm", c)
        for n in ("to_q", "to_k", "to_v", "to_out.0"): lin(d, f"{side}.mid_block.attentions.0.{n}", c, c)
        resnet(d, f"{side}.mid_block.resnets.1", c, c, 0)
        if side == "encoder":
            norm(d, "encoder.conv_norm_out", c); conv2d(d, "encoder.conv_out", c, 2 * z, 3)
            conv2d(d, "quant_conv", 2 * z, 2 * z, 1)
    prev = c
    for i, o in enumerate(ch[::-1]):
        for j in range(L + 1): resnet(d, f"decoder.up_blocks.{i}.resnets.{j}", prev if j == 0 else o, o, 0)
        if i + 1 < len(ch): conv2d(d, f"decoder.up_blocks.{i}.upsamplers.0.conv", o, o, 3)
        prev = o
    norm(d, "decoder.conv_norm_out", ch[0]); conv2d(d, "decoder.conv_out", ch[0], cfg["out_channels"], 3)
    return d

def clip(cfg, projection):
    d = {}; h = cfg["hidden_size"]; m = cfg["intermediate_size"]
    d["text_model.embeddings.token_embedding.weight"] = (cfg["vocab_size"], h)
    d["text_model.embeddings.position_embedding.weight"] = (cfg["max_position_embeddings"], h)
    for i in range(cfg["num_hidden_layers"]):
        p = f"text_model.encoder.layers.{i}"
        for n in ("q_proj", "k_proj", "v_proj", "out_proj"): lin(d, f"{p}.self_attn.{n}", h, h)
        norm(d, p + ".layer_norm1", h); norm(d, p + ".layer_norm2", h)
        lin(d, p + ".mlp.fc1", h, m); lin(d, p + ".mlp.fc2", m, h)
    norm(d, "text_model.final_layer_norm", h)
    if projection: lin(d, "text_projection", h, cfg["projection_dim"], False)
    return d

def fakes(d): return {k: Fake(v) for k, v in d.items()}
rows = []
for k, v in conv["convert_unet_state_dict"](fakes(unet(load("unet")))).items(): rows.append(("unet", "model.diffusion_model." + k, v.shape))
import contextlib, io
with contextlib.redirect_stdout(io.StringIO()):
    vd = conv["convert_vae_state_dict"](fakes(vae(load("vae"))))
for k, v in vd.items(): rows.append(("vae", "first_stage_model." + k, v.shape))
for k, v in fakes(clip(load("text_encoder"), False)).items(): rows.append(("text_encoder", "conditioner.embedders.0.transformer." + k, v.shape))
te2 = conv["convert_openclip_text_enc_state_dict"](fakes(clip(load("text_encoder_2"), True)))
te2["text_projection"] = te2.pop("text_projection.weight").T.contiguous()  # as the script's __main__ does
for k, v in te2.items(): rows.append(("text_encoder_2", "conditioner.embedders.1.model." + k, v.shape))
with open(out_path, "w") as f:
    f.write("component\tsingle_file_key\tshape\n")
    for c, k, s in sorted(rows, key=lambda r: r[1]): f.write(f"{c}\t{k}\t{','.join(map(str, s))}\n")
print(len(rows), "keys")
