/**
 * Test helper: a diffusers SDXL folder written as one single-file checkpoint (the layout of
 * sd_xl_base_1.0.safetensors), the inverse of the engine's single-file loader. Written apart from
 * the loader (name patterns and closed-form block indices here, a layout computed from the
 * configs there), so a naming slip shows up as a load error or a different result.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeSafetensors, type NamedTensor } from '../src/checkpoint-writer/safetensors-writer.js';
import { readSafetensors } from './fixtures.js';

const RESNET: Record<string, string> = {
  norm1: 'in_layers.0',
  conv1: 'in_layers.2',
  time_emb_proj: 'emb_layers.1',
  norm2: 'out_layers.0',
  conv2: 'out_layers.3',
  conv_shortcut: 'skip_connection',
};
const UNET_TOP: Record<string, string> = {
  conv_in: 'input_blocks.0.0',
  'time_embedding.linear_1': 'time_embed.0',
  'time_embedding.linear_2': 'time_embed.2',
  'add_embedding.linear_1': 'label_emb.0.0',
  'add_embedding.linear_2': 'label_emb.0.2',
  conv_norm_out: 'out.0',
  conv_out: 'out.2',
};
const VAE_ATTN: Record<string, string> = {
  group_norm: 'norm',
  to_q: 'q',
  to_k: 'k',
  to_v: 'v',
  'to_out.0': 'proj_out',
};
const CLIP_LAYER: Record<string, string> = {
  layer_norm1: 'ln_1',
  layer_norm2: 'ln_2',
  'mlp.fc1': 'mlp.c_fc',
  'mlp.fc2': 'mlp.c_proj',
  'self_attn.out_proj': 'attn.out_proj',
};

const resnet = (rest: string) => rest.replace(/^(\w+)\./, (_, part: string) => `${RESNET[part]}.`);

function unetKey(n: string, perLevel: number, upTypes: string[]): string {
  const block = (kind: string, rest: string) => (kind === 'resnets' ? `0.${resnet(rest)}` : `1.${rest}`);
  const rules: [RegExp, (m: string[]) => string][] = [
    [
      /^down_blocks\.(\d+)\.(resnets|attentions)\.(\d+)\.(.*)$/,
      (m) => `input_blocks.${1 + Number(m[1]) * perLevel + Number(m[3])}.${block(m[2]!, m[4]!)}`,
    ],
    [
      /^down_blocks\.(\d+)\.downsamplers\.0\.conv\.(.*)$/,
      (m) => `input_blocks.${(Number(m[1]) + 1) * perLevel}.0.op.${m[2]}`,
    ],
    [
      /^up_blocks\.(\d+)\.(resnets|attentions)\.(\d+)\.(.*)$/,
      (m) => `output_blocks.${Number(m[1]) * perLevel + Number(m[3])}.${block(m[2]!, m[4]!)}`,
    ],
    [
      /^up_blocks\.(\d+)\.upsamplers\.0\.conv\.(.*)$/,
      (m) => {
        const slot = upTypes[Number(m[1])]!.startsWith('CrossAttn') ? 2 : 1;
        return `output_blocks.${(Number(m[1]) + 1) * perLevel - 1}.${slot}.conv.${m[2]}`;
      },
    ],
    [/^mid_block\.resnets\.(\d)\.(.*)$/, (m) => `middle_block.${2 * Number(m[1])}.${resnet(m[2]!)}`],
    [/^mid_block\.attentions\.0\.(.*)$/, (m) => `middle_block.1.${m[1]}`],
  ];
  for (const [pattern, name] of rules) {
    const m = pattern.exec(n);
    if (m) return name(m);
  }
  const dot = n.lastIndexOf('.');
  return `${UNET_TOP[n.slice(0, dot)]}${n.slice(dot)}`;
}

function vaeKey(n: string, levels: number): string {
  const s = n
    .replace(/^encoder\.down_blocks\.(\d+)\.resnets\./, 'encoder.down.$1.block.')
    .replace(/^encoder\.down_blocks\.(\d+)\.downsamplers\.0\./, 'encoder.down.$1.downsample.')
    .replace(
      /^decoder\.up_blocks\.(\d+)\.resnets\./,
      (_, i: string) => `decoder.up.${levels - 1 - Number(i)}.block.`,
    )
    .replace(
      /^decoder\.up_blocks\.(\d+)\.upsamplers\.0\./,
      (_, i: string) => `decoder.up.${levels - 1 - Number(i)}.upsample.`,
    )
    .replace(/\.mid_block\.resnets\.(\d)\./, (_, i: string) => `.mid.block_${Number(i) + 1}.`)
    .replace(
      /\.mid_block\.attentions\.0\.(group_norm|to_q|to_k|to_v|to_out\.0)\./,
      (_, p: string) => `.mid.attn_1.${VAE_ATTN[p]}.`,
    )
    .replace('.conv_shortcut.', '.nin_shortcut.')
    .replace('.conv_norm_out.', '.norm_out.');
  return `first_stage_model.${s}`;
}

function openClipKey(n: string): string {
  const m = /^text_model\.encoder\.layers\.(\d+)\.(.*)\.(weight|bias)$/.exec(n);
  if (m) return `transformer.resblocks.${m[1]}.${CLIP_LAYER[m[2]!]}.${m[3]}`;
  if (n.startsWith('text_model.final_layer_norm.')) return `ln_final.${n.split('.').pop()}`;
  if (n === 'text_model.embeddings.token_embedding.weight') return 'token_embedding.weight';
  if (n === 'text_model.embeddings.position_embedding.weight') return 'positional_embedding';
  throw new Error(`no OpenCLIP name for ${n}`);
}

export function writeSingleFileFromFolder(dir: string, path: string): void {
  const out: NamedTensor[] = [];
  const add = (name: string, shape: readonly number[], data: Float32Array) => out.push({ name, shape, data });
  const load = (file: string) => readSafetensors(join(dir, file));
  const config = (c: string) => JSON.parse(readFileSync(join(dir, c, 'config.json'), 'utf8'));

  const ucfg = config('unet');
  for (const [n, t] of load('unet/diffusion_pytorch_model.safetensors'))
    add(
      `model.diffusion_model.${unetKey(n, ucfg.layers_per_block + 1, ucfg.up_block_types)}`,
      t.shape,
      t.f32!,
    );
  const levels = config('vae').block_out_channels.length;
  for (const [n, t] of load('vae/diffusion_pytorch_model.safetensors')) {
    const conv = n.includes('mid_block.attentions.0.to_') && t.shape.length === 2;
    add(vaeKey(n, levels), conv ? [...t.shape, 1, 1] : t.shape, t.f32!);
  }
  for (const [n, t] of load('text_encoder/model.safetensors'))
    add(`conditioner.embedders.0.transformer.${n}`, t.shape, t.f32!);
  const te2 = load('text_encoder_2/model.safetensors');
  const pre = 'conditioner.embedders.1.model.';
  for (const [n, t] of te2) {
    const qkv = /^text_model\.encoder\.layers\.(\d+)\.self_attn\.([qkv])_proj\.(weight|bias)$/.exec(n);
    if (qkv) {
      if (qkv[2] !== 'q') continue; // stacked with k and v
      const parts = ['q', 'k', 'v'].map((p) => te2.get(n.replace('.q_proj.', `.${p}_proj.`))!.f32!);
      const data = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
      for (const [i, p] of parts.entries()) data.set(p, i * p.length);
      add(
        `${pre}transformer.resblocks.${qkv[1]}.attn.in_proj_${qkv[3]}`,
        [3 * t.shape[0]!, ...t.shape.slice(1)],
        data,
      );
    } else if (n === 'text_projection.weight') {
      const [rows, cols] = t.shape as [number, number];
      const data = new Float32Array(rows * cols);
      for (let r = 0; r < rows; r++)
        for (let c = 0; c < cols; c++) data[c * rows + r] = t.f32![r * cols + c]!;
      add(`${pre}text_projection`, [cols, rows], data);
    } else {
      add(`${pre}${openClipKey(n)}`, t.shape, t.f32!);
    }
  }
  add(`${pre}logit_scale`, [], Float32Array.of(4.6052));
  writeFileSync(path, encodeSafetensors(out));
}
