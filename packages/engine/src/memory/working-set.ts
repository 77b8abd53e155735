/**
 * The activation memory one generation needs beyond the weights, estimated from the component
 * configs and the requested size. fp32 activations (4 bytes; both backends compute in fp32).
 * The model is the peak of the largest stage, read off the architecture the native code runs:
 *
 * SDXL (latents h = H/f, w = W/f, f = 2^(VAE levels - 1); batch b = 2 with guidance):
 *   UNet  = 4·b·( Σ_i C_i·(n_i+1)·hw/4^i            skip tensors the up path keeps (diffusers'
 *                                                   down_block_res_samples: n_i resnets + 1 down)
 *               + max_i k_i·C_i·hw/4^i )            live tensors of the busiest level: k = 4
 *                                                   (resnet: input, norm, conv, residual), k = 14
 *                                                   on attention levels (input, norm, GEGLU 8C, 4C)
 *        + S(hw/4^i, hw/4^i)                        CPU attention scores (below); 0 on CUDA
 *   VAE   = 4·(2·C_1 + 2·C_0)·H·W                   the full-resolution up block: its upsampled
 *                                                   input and norm (C_1) and two outputs (C_0)
 *        + S(hw, hw)                                the mid-block attention's scores on the CPU
 *   working set = max(UNet, VAE): the pipeline frees the loop's buffers before the decode.
 *
 * WAN (latents T = (F-1)/4+1 frames of h = H/8, w = W/8; L = T·(h/p)·(w/p) tokens, p = 2):
 *   transformer = 4·L·(6·D + 2·F_ffn)               x, norm, q, k, v, attention output; the FFN
 *                                                   hidden layer before and after GELU
 *               + S(L, L)                           CPU attention scores; 0 on CUDA
 *   VAE decode  = 4·4·C_top·4·H·W + 2·4·3·F·H·W     four full-resolution tensors of the top
 *                                                   level (C_top = base_dim·dim_mult[0]) for the
 *                                                   4 frames one latent frame decodes to, plus the
 *                                                   output frames as float and as bytes
 *   working set = max(transformer, VAE decode); guidance runs the transformer once per prompt.
 *
 * Text encoders (CLIP: L = max_position_embeddings; UMT5: L = 512, WAN's max_sequence_length):
 *   encode = 4·L·(D·(N + 7) + 2·F_ffn)             every layer's hidden state (CLIP returns them
 *                                                   all; SDXL reads the penultimate), the live
 *                                                   attention tensors and the FFN's hidden layer
 *
 * S(Lq, Lk) = 4·threads·min(Lq, max(16, 2^21/Lk))·Lk: the CPU attention kernel gives each thread
 * one score block of at most 2^21 floats (at least 16 query rows) (cpu_attention.cpp).
 */

export interface GenerationSize {
  readonly width: number;
  readonly height: number;
  /** WAN only; 1 = a single image. */
  readonly frames?: number;
  /** Classifier-free guidance (default true): SDXL runs the UNet on a batch of 2. */
  readonly guidance?: boolean;
}

export interface WorkingSetEstimate {
  readonly bytes: number;
  /** Which stage sets the peak. */
  readonly stage: string;
  readonly stages: Readonly<Record<string, number>>;
}

type Config = Record<string, unknown>;
const F32 = 4;

function nums(config: Config, key: string, fallback: number[]): number[] {
  const value = config[key];
  return Array.isArray(value) ? value.map(Number) : fallback;
}
function num(config: Config, key: string, fallback: number): number {
  const value = config[key];
  return typeof value === 'number' ? value : fallback;
}

export function sdxlWorkingSet(
  unet: Config,
  vae: Config,
  size: GenerationSize,
  cpuThreads: number, // 0 on CUDA: no score buffers
): WorkingSetEstimate {
  const vaeChannels = nums(vae, 'block_out_channels', [128, 256, 512, 512]);
  const f = 2 ** (vaeChannels.length - 1);
  const hw = Math.floor(size.height / f) * Math.floor(size.width / f);
  const b = size.guidance === false ? 1 : 2;
  const channels = nums(unet, 'block_out_channels', [320, 640, 1280]);
  const layers = num(unet, 'layers_per_block', 2);
  const types = (unet.down_block_types as string[] | undefined) ?? [];
  let skips = 0;
  let live = 0;
  let scores = 0;
  channels.forEach((c, i) => {
    const tokens = hw / 4 ** i;
    const attention = (types[i] ?? '').includes('CrossAttn');
    skips += c * (layers + 1) * tokens;
    live = Math.max(live, (attention ? 14 : 4) * c * tokens);
    if (attention) scores = Math.max(scores, cpuScoreBytes(tokens, tokens, cpuThreads));
  });
  const unetBytes = F32 * b * (skips + live) + scores;
  const c0 = vaeChannels[0] ?? 128;
  const c1 = vaeChannels[1] ?? c0;
  const vaeBytes = F32 * (2 * c1 + 2 * c0) * size.height * size.width + cpuScoreBytes(hw, hw, cpuThreads);
  return peak({ unet: unetBytes, vae_decode: vaeBytes });
}

export function wanWorkingSet(
  transformer: Config,
  vae: Config,
  size: GenerationSize,
  cpuThreads: number,
): WorkingSetEstimate {
  const frames = size.frames ?? 81;
  const latentFrames = Math.floor((frames - 1) / 4) + 1;
  const patch = nums(transformer, 'patch_size', [1, 2, 2]);
  const h = Math.floor(size.height / 8 / (patch[1] ?? 2));
  const w = Math.floor(size.width / 8 / (patch[2] ?? 2));
  const tokens = (latentFrames * h * w) / (patch[0] ?? 1);
  const heads = num(transformer, 'num_attention_heads', 12);
  const dim = heads * num(transformer, 'attention_head_dim', 128);
  const ffn = num(transformer, 'ffn_dim', 8960);
  const transformerBytes = F32 * tokens * (6 * dim + 2 * ffn) + cpuScoreBytes(tokens, tokens, cpuThreads);
  const top = num(vae, 'base_dim', 96) * (nums(vae, 'dim_mult', [1, 2, 4, 4])[0] ?? 1);
  const pixels = size.height * size.width;
  const vaeBytes = F32 * 4 * top * 4 * pixels + 2 * F32 * 3 * frames * pixels;
  return peak({ transformer: transformerBytes, vae_decode: vaeBytes });
}

/** The encode formula above, for one text encoder's config.json. */
export function textEncoderWorkingSet(config: Config): number {
  const umt5 = typeof config.d_model === 'number';
  const tokens = umt5 ? 512 : num(config, 'max_position_embeddings', 77);
  const dim = umt5 ? num(config, 'd_model', 4096) : num(config, 'hidden_size', 768);
  const layers = umt5 ? num(config, 'num_layers', 24) : num(config, 'num_hidden_layers', 12);
  const ffn = umt5 ? num(config, 'd_ff', 10240) : num(config, 'intermediate_size', 3072);
  return F32 * tokens * (dim * (layers + 7) + 2 * ffn);
}

/** S(Lq, Lk) above; 0 threads (CUDA: flash attention keeps no score matrix) gives 0. */
function cpuScoreBytes(queries: number, keys: number, threads: number): number {
  return F32 * threads * Math.min(queries, Math.max(16, Math.floor(2 ** 21 / keys))) * keys;
}

function peak(stages: Record<string, number>): WorkingSetEstimate {
  const [stage, bytes] = Object.entries(stages).reduce((a, b) => (b[1] > a[1] ? b : a));
  return { bytes: Math.ceil(bytes), stage, stages };
}
