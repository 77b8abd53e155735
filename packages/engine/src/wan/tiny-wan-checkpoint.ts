/**
 * Writes a random-weight WAN 2.1 text-to-video (or, with `imageToVideo`, image-to-video)
 * checkpoint in the diffusers layout, at the sizes of the wan-tiny fixture (diffusers' WAN test
 * components), plus a tiny SentencePiece tokenizer so text prompts work — what demos and tests run when no real weights are configured. All files
 * are generated here; same seed, same bytes.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeSafetensors } from '../checkpoint-writer/safetensors-writer.js';
import { TensorSet } from '../checkpoint-writer/tensor-set.js';
import { encodeTinySpiece } from '../checkpoint-writer/tiny-spiece.js';
import { EngineError } from '../common/engine-error.js';
import {
  addImageConditioning,
  clipVisionTensors,
  I2V_IN_CHANNELS,
  imageConfigs,
  TINY_CLIP_VISION,
} from './tiny-wan-image-parts.js';

const DIFFUSERS_VERSION = '0.33.1';

/** Wan 2.1's per-channel latent statistics (AutoencoderKLWan defaults). */
const LATENTS_MEAN = [
  -0.7571, -0.7089, -0.9113, 0.1075, -0.1745, 0.9653, -0.1517, 1.5508, 0.4134, -0.0715, 0.5517, -0.3632,
  -0.1922, -0.9497, 0.2503, -0.2921,
];
const LATENTS_STD = [
  2.8184, 1.4541, 2.3275, 2.6558, 1.2196, 1.7708, 2.6052, 2.0743, 3.2687, 2.1526, 2.8652, 1.5579, 1.6382,
  1.1253, 2.8251, 1.916,
];

const TEXT = { dModel: 32, dKv: 8, dFf: 64, heads: 4, layers: 2, buckets: 32 };
const DIT = { heads: 2, headDim: 12, ffn: 32, layers: 2, freqDim: 256, inChannels: 16, outChannels: 16 };
const VAE = { baseDim: 3, zDim: 16, dimMult: [1, 1, 1, 1], resBlocks: 1, temporalDown: [false, true, true] };

function textEncoderTensors(vocab: number): TensorSet {
  const { dModel: d, dKv, dFf, heads, layers, buckets } = TEXT;
  const inner = heads * dKv;
  const t = new TensorSet().add('shared.weight', [vocab, d], 'embedding');
  for (let i = 0; i < layers; i++) {
    const p = `encoder.block.${i}.layer`;
    for (const m of ['q', 'k', 'v']) t.layer(`${p}.0.SelfAttention.${m}`, [inner, d], false);
    t.layer(`${p}.0.SelfAttention.o`, [d, inner], false);
    t.add(`${p}.0.SelfAttention.relative_attention_bias.weight`, [buckets, heads], 'bias');
    t.add(`${p}.0.layer_norm.weight`, [d], 'gain');
    t.layer(`${p}.1.DenseReluDense.wi_0`, [dFf, d], false);
    t.layer(`${p}.1.DenseReluDense.wi_1`, [dFf, d], false);
    t.layer(`${p}.1.DenseReluDense.wo`, [d, dFf], false);
    t.add(`${p}.1.layer_norm.weight`, [d], 'gain');
  }
  return t.add('encoder.final_layer_norm.weight', [d], 'gain');
}

function transformerTensors(imageToVideo: boolean): TensorSet {
  const { heads, headDim, ffn, layers, freqDim, outChannels } = DIT;
  const inChannels = imageToVideo ? I2V_IN_CHANNELS : DIT.inChannels;
  const d = heads * headDim;
  const t = new TensorSet();
  for (let i = 0; i < layers; i++) {
    const b = `blocks.${i}`;
    for (const attn of ['attn1', 'attn2']) {
      for (const m of ['to_q', 'to_k', 'to_v', 'to_out.0']) t.layer(`${b}.${attn}.${m}`, [d, d]);
      t.add(`${b}.${attn}.norm_q.weight`, [d], 'gain').add(`${b}.${attn}.norm_k.weight`, [d], 'gain');
    }
    t.layer(`${b}.ffn.net.0.proj`, [ffn, d]).layer(`${b}.ffn.net.2`, [d, ffn]);
    t.add(`${b}.norm2.weight`, [d], 'gain').add(`${b}.norm2.bias`, [d], 'bias');
    t.add(`${b}.scale_shift_table`, [1, 6, d], 'bias');
  }
  const c = 'condition_embedder';
  t.layer(`${c}.text_embedder.linear_1`, [d, TEXT.dModel]).layer(`${c}.text_embedder.linear_2`, [d, d]);
  t.layer(`${c}.time_embedder.linear_1`, [d, freqDim]).layer(`${c}.time_embedder.linear_2`, [d, d]);
  t.layer(`${c}.time_proj`, [6 * d, d]);
  t.layer('patch_embedding', [d, inChannels, 1, 2, 2]);
  t.layer('proj_out', [outChannels * 4, d]);
  if (imageToVideo) addImageConditioning(t, d, layers);
  return t.add('scale_shift_table', [1, 2, d], 'bias');
}

/** AutoencoderKLWan (encoder and decoder) for VAE's sizes. */
function vaeTensors(): TensorSet {
  const { baseDim, zDim, dimMult, resBlocks, temporalDown } = VAE;
  const t = new TensorSet();
  const resnet = (p: string, cin: number, cout: number) => {
    t.add(`${p}.norm1.gamma`, [cin, 1, 1, 1], 'gain').layer(`${p}.conv1`, [cout, cin, 3, 3, 3]);
    t.add(`${p}.norm2.gamma`, [cout, 1, 1, 1], 'gain').layer(`${p}.conv2`, [cout, cout, 3, 3, 3]);
    if (cin !== cout) t.layer(`${p}.conv_shortcut`, [cout, cin, 1, 1, 1]);
  };
  const mid = (p: string, dim: number) => {
    resnet(`${p}.resnets.0`, dim, dim);
    t.add(`${p}.attentions.0.norm.gamma`, [dim, 1, 1], 'gain');
    t.layer(`${p}.attentions.0.to_qkv`, [3 * dim, dim, 1, 1]).layer(`${p}.attentions.0.proj`, [
      dim,
      dim,
      1,
      1,
    ]);
    resnet(`${p}.resnets.1`, dim, dim);
  };
  const dims = [1, ...dimMult].map((m) => baseDim * m);
  // Encoder: resnets then a (spatial, maybe temporal) downsample per level, flattened in order.
  t.layer('encoder.conv_in', [dims[0]!, 3, 3, 3, 3]);
  let k = 0;
  for (let i = 0; i < dimMult.length; i++) {
    let cin = dims[i]!;
    const cout = dims[i + 1]!;
    for (let r = 0; r < resBlocks; r++, cin = cout) resnet(`encoder.down_blocks.${k++}`, cin, cout);
    if (i !== dimMult.length - 1) {
      const p = `encoder.down_blocks.${k++}`;
      t.layer(`${p}.resample.1`, [cout, cout, 3, 3]);
      if (temporalDown[i]) t.layer(`${p}.time_conv`, [cout, cout, 3, 1, 1]);
    }
  }
  const top = dims[dims.length - 1]!;
  mid('encoder.mid_block', top);
  t.add('encoder.norm_out.gamma', [top, 1, 1, 1], 'gain').layer('encoder.conv_out', [2 * zDim, top, 3, 3, 3]);
  t.layer('quant_conv', [2 * zDim, 2 * zDim, 1, 1, 1]).layer('post_quant_conv', [zDim, zDim, 1, 1, 1]);
  // Decoder: the levels reversed; each upsample halves the channels it hands on.
  const up = [...dims].reverse();
  const temporalUp = [...temporalDown].reverse();
  t.layer('decoder.conv_in', [up[0]!, zDim, 3, 3, 3]);
  mid('decoder.mid_block', up[0]!);
  let cin = up[0]!;
  for (let i = 0; i < dimMult.length; i++) {
    const cout = up[i + 1]!;
    for (let r = 0; r < resBlocks + 1; r++, cin = cout)
      resnet(`decoder.up_blocks.${i}.resnets.${r}`, cin, cout);
    if (i !== dimMult.length - 1) {
      const p = `decoder.up_blocks.${i}.upsamplers.0`;
      t.layer(`${p}.resample.1`, [Math.floor(cout / 2), cout, 3, 3]);
      if (temporalUp[i]) t.layer(`${p}.time_conv`, [2 * cout, cout, 3, 1, 1]);
      cin = Math.floor(cout / 2);
    }
  }
  const last = up[up.length - 1]!;
  t.add('decoder.norm_out.gamma', [last, 1, 1, 1], 'gain').layer('decoder.conv_out', [3, last, 3, 3, 3]);
  return t;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

function configs(vocab: number, imageToVideo: boolean) {
  return {
    'model_index.json': {
      _class_name: imageToVideo ? 'WanImageToVideoPipeline' : 'WanPipeline',
      ...(imageToVideo && {
        image_encoder: ['transformers', 'CLIPVisionModel'],
        image_processor: ['transformers', 'CLIPImageProcessor'],
      }),
      _diffusers_version: DIFFUSERS_VERSION,
      scheduler: ['diffusers', 'UniPCMultistepScheduler'],
      text_encoder: ['transformers', 'UMT5EncoderModel'],
      tokenizer: ['transformers', 'T5Tokenizer'],
      transformer: ['diffusers', 'WanTransformer3DModel'],
      vae: ['diffusers', 'AutoencoderKLWan'],
    },
    // Wan 2.1's default: UniPC in flow mode, flow_shift 3.0 (the 480p setting).
    'scheduler/scheduler_config.json': {
      _class_name: 'UniPCMultistepScheduler',
      _diffusers_version: DIFFUSERS_VERSION,
      beta_end: 0.02,
      beta_schedule: 'linear',
      beta_start: 0.0001,
      disable_corrector: [],
      dynamic_thresholding_ratio: 0.995,
      final_sigmas_type: 'zero',
      flow_shift: 3.0,
      lower_order_final: true,
      num_train_timesteps: 1000,
      predict_x0: true,
      prediction_type: 'flow_prediction',
      rescale_betas_zero_snr: false,
      sample_max_value: 1.0,
      solver_order: 2,
      solver_p: null,
      solver_type: 'bh2',
      steps_offset: 0,
      thresholding: false,
      timestep_spacing: 'linspace',
      trained_betas: null,
      use_beta_sigmas: false,
      use_exponential_sigmas: false,
      use_flow_sigmas: true,
      use_karras_sigmas: false,
    },
    'text_encoder/config.json': {
      architectures: ['UMT5EncoderModel'],
      classifier_dropout: 0.0,
      d_ff: TEXT.dFf,
      d_kv: TEXT.dKv,
      d_model: TEXT.dModel,
      decoder_start_token_id: 0,
      dense_act_fn: 'gelu_new',
      dropout_rate: 0.0,
      eos_token_id: 1,
      feed_forward_proj: 'gated-gelu',
      initializer_factor: 1.0,
      is_encoder_decoder: true,
      is_gated_act: true,
      layer_norm_epsilon: 1e-6,
      model_type: 'umt5',
      num_decoder_layers: TEXT.layers,
      num_heads: TEXT.heads,
      num_layers: TEXT.layers,
      pad_token_id: 0,
      relative_attention_max_distance: 128,
      relative_attention_num_buckets: TEXT.buckets,
      tie_word_embeddings: false,
      tokenizer_class: 'T5Tokenizer',
      torch_dtype: 'float32',
      use_cache: true,
      vocab_size: vocab,
    },
    'tokenizer/tokenizer_config.json': {
      tokenizer_class: 'T5Tokenizer',
      eos_token: '</s>',
      pad_token: '<pad>',
      unk_token: '<unk>',
      model_max_length: 512,
    },
    'transformer/config.json': {
      _class_name: 'WanTransformer3DModel',
      _diffusers_version: DIFFUSERS_VERSION,
      added_kv_proj_dim: imageToVideo ? DIT.heads * DIT.headDim : null,
      attention_head_dim: DIT.headDim,
      cross_attn_norm: true,
      eps: 1e-6,
      ffn_dim: DIT.ffn,
      freq_dim: DIT.freqDim,
      image_dim: imageToVideo ? TINY_CLIP_VISION.hidden : null,
      in_channels: imageToVideo ? I2V_IN_CHANNELS : DIT.inChannels,
      num_attention_heads: DIT.heads,
      num_layers: DIT.layers,
      out_channels: DIT.outChannels,
      patch_size: [1, 2, 2],
      qk_norm: 'rms_norm_across_heads',
      rope_max_seq_len: 32,
      text_dim: TEXT.dModel,
    },
    'vae/config.json': {
      _class_name: 'AutoencoderKLWan',
      _diffusers_version: DIFFUSERS_VERSION,
      attn_scales: [],
      base_dim: VAE.baseDim,
      dim_mult: VAE.dimMult,
      dropout: 0.0,
      latents_mean: LATENTS_MEAN,
      latents_std: LATENTS_STD,
      num_res_blocks: VAE.resBlocks,
      temperal_downsample: VAE.temporalDown,
      z_dim: VAE.zDim,
    },
  };
}

export interface TinyWanCheckpointOptions {
  /** Seeds every weight. Default 0. */
  readonly seed?: number;
  /**
   * Writes the image-to-video variant (WanImageToVideoPipeline): transformer with image_dim,
   * added_kv_proj_dim and 36 input channels, plus image_encoder/ and image_processor/. Default false.
   */
  readonly imageToVideo?: boolean;
}

/**
 * Writes the checkpoint into `dir` (created if missing; existing files of the same names are
 * replaced). Resolves with `dir`.
 */
export async function createTinyWanCheckpoint(
  dir: string,
  options: TinyWanCheckpointOptions = {},
): Promise<string> {
  const seed = options.seed ?? 0;
  const i2v = options.imageToVideo ?? false;
  if (typeof dir !== 'string' || dir === '') {
    throw new EngineError('GPUQ_INVALID_ARGUMENT', `expected a directory path for dir, got ${String(dir)}`);
  }
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new EngineError('GPUQ_INVALID_ARGUMENT', `expected a non-negative integer for seed, got ${seed}`);
  }
  const spiece = encodeTinySpiece();
  const vocab = spiece.pieces.length;
  const files: [string, Uint8Array | string][] = [
    ...Object.entries({ ...configs(vocab, i2v), ...(i2v ? imageConfigs() : {}) }).map(
      ([f, v]): [string, string] => [f, json(v)],
    ),
    ['tokenizer/spiece.model', spiece.bytes],
    ['text_encoder/model.safetensors', encodeSafetensors(textEncoderTensors(vocab).materialize(seed))],
    [
      'transformer/diffusion_pytorch_model.safetensors',
      encodeSafetensors(transformerTensors(i2v).materialize(seed)),
    ],
    ['vae/diffusion_pytorch_model.safetensors', encodeSafetensors(vaeTensors().materialize(seed))],
  ];
  if (i2v) {
    files.push([
      'image_encoder/model.safetensors',
      encodeSafetensors(clipVisionTensors(new TensorSet()).materialize(seed)),
    ]);
  }
  try {
    const subs = ['scheduler', 'text_encoder', 'tokenizer', 'transformer', 'vae'];
    for (const sub of i2v ? [...subs, 'image_encoder', 'image_processor'] : subs) {
      await mkdir(join(dir, sub), { recursive: true });
    }
    for (const [file, data] of files) await writeFile(join(dir, file), data);
  } catch (err) {
    throw new EngineError('GPUQ_INTERNAL', `createTinyWanCheckpoint ${dir}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return dir;
}

/** Tensor names and shapes of each weights file, for tests and tooling. */
export function tinyWanTensorShapes(): Record<string, Record<string, number[]>> {
  return {
    'text_encoder/model.safetensors': textEncoderTensors(encodeTinySpiece().pieces.length).shapes(),
    'transformer/diffusion_pytorch_model.safetensors': transformerTensors(false).shapes(),
    'vae/diffusion_pytorch_model.safetensors': vaeTensors().shapes(),
  };
}
