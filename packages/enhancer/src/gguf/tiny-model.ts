/**
 * A tiny llama-architecture GGUF generated from a seed: a few layers, small dimensions, F32 weights
 * and an embedded SPM vocabulary and ChatML chat template. node-llama-cpp loads it exactly as it
 * loads a real 7B file, so tests and the demo exercise the real path without downloading weights.
 *
 * The weights are random with one deliberate bias: every embedding carries a constant component
 * on hidden dimension 0 and the output matrix reads that dimension with a positive weight for
 * whole-word tokens and a negative one for bytes and control tokens. Sampled text is then a
 * string of prompt-like words instead of byte noise. The end-of-turn token reads it slightly
 * less than words, so it is rare (none in 3000 tokens for six seeds): the tiny model's answers
 * run to `maxTokens`, which keeps the bounds under test and mid-generation aborts deterministic.
 */

import { gguf } from './gguf-value.js';
import { encodeGguf, type GgufFile, type GgufTensor } from './gguf-writer.js';
import { SeededRandom } from './seeded-random.js';
import { buildTinyVocab } from './tiny-vocab.js';

export interface TinyModelOptions {
  /** Default 1: the same seed gives the same bytes. */
  seed?: number;
  /** Default 2. */
  layers?: number;
  /** Hidden size; default 64 (4 heads of 16). */
  embedding?: number;
  /** Default 4096, so a 2048-token enhancer context fits. */
  contextLength?: number;
}

const HEADS = 4;
const KV_HEADS = 2;
const BIAS_DIM = 0;

/** ChatML, the format Qwen2.5-Instruct uses; the enhancer's real 7B model speaks the same one. */
export const CHATML_TEMPLATE =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}" +
  "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

function ones(count: number): Float32Array {
  return new Float32Array(count).fill(1);
}

export function buildTinyModel(options: TinyModelOptions = {}): GgufFile {
  const seed = options.seed ?? 1;
  const layers = options.layers ?? 2;
  const embd = options.embedding ?? 64;
  const ff = embd * 2;
  const headDim = embd / HEADS;
  const kvDim = headDim * KV_HEADS;
  const vocab = buildTinyVocab();
  const nVocab = vocab.tokens.length;
  const random = new SeededRandom(seed);
  const weight = (name: string, inDim: number, outDim: number, std = 0.02): GgufTensor => ({
    name,
    dims: [inDim, outDim],
    data: random.normals(inDim * outDim, std),
  });

  const embeddings = random.normals(embd * nVocab, 1);
  for (let token = 0; token < nVocab; token++) embeddings[token * embd + BIAS_DIM] = 4;
  const output = random.normals(embd * nVocab, 0.02);
  const favored = new Set(vocab.favored);
  for (let token = 0; token < nVocab; token++) {
    const reads = token === vocab.ids.eos ? 1.6 : favored.has(token) ? 2 : -2;
    output[token * embd + BIAS_DIM] = reads;
  }

  const tensors: GgufTensor[] = [
    { name: 'token_embd.weight', dims: [embd, nVocab], data: embeddings },
    { name: 'output_norm.weight', dims: [embd], data: ones(embd) },
    { name: 'output.weight', dims: [embd, nVocab], data: output },
  ];
  for (let i = 0; i < layers; i++) {
    tensors.push(
      { name: `blk.${i}.attn_norm.weight`, dims: [embd], data: ones(embd) },
      weight(`blk.${i}.attn_q.weight`, embd, embd),
      weight(`blk.${i}.attn_k.weight`, embd, kvDim),
      weight(`blk.${i}.attn_v.weight`, embd, kvDim),
      weight(`blk.${i}.attn_output.weight`, embd, embd),
      { name: `blk.${i}.ffn_norm.weight`, dims: [embd], data: ones(embd) },
      weight(`blk.${i}.ffn_gate.weight`, embd, ff),
      weight(`blk.${i}.ffn_up.weight`, embd, ff),
      weight(`blk.${i}.ffn_down.weight`, ff, embd),
    );
  }

  return {
    metadata: [
      ['general.architecture', gguf.str('llama')],
      ['general.name', gguf.str(`gpuq tiny enhancer (seed ${seed})`)],
      ['general.file_type', gguf.u32(0)], // all F32
      ['general.alignment', gguf.u32(32)],
      ['llama.context_length', gguf.u32(options.contextLength ?? 4096)],
      ['llama.embedding_length', gguf.u32(embd)],
      ['llama.block_count', gguf.u32(layers)],
      ['llama.feed_forward_length', gguf.u32(ff)],
      ['llama.attention.head_count', gguf.u32(HEADS)],
      ['llama.attention.head_count_kv', gguf.u32(KV_HEADS)],
      ['llama.attention.layer_norm_rms_epsilon', gguf.f32(1e-5)],
      ['llama.rope.dimension_count', gguf.u32(headDim)],
      ['llama.rope.freq_base', gguf.f32(10000)],
      ['llama.vocab_size', gguf.u32(nVocab)],
      ['tokenizer.ggml.model', gguf.str('llama')],
      ['tokenizer.ggml.tokens', gguf.strings(vocab.tokens)],
      ['tokenizer.ggml.scores', gguf.f32s(vocab.scores)],
      ['tokenizer.ggml.token_type', gguf.i32s(vocab.types)],
      ['tokenizer.ggml.unknown_token_id', gguf.u32(vocab.ids.unk)],
      ['tokenizer.ggml.bos_token_id', gguf.u32(vocab.ids.bos)],
      ['tokenizer.ggml.eos_token_id', gguf.u32(vocab.ids.eos)],
      ['tokenizer.ggml.add_bos_token', gguf.bool(false)],
      ['tokenizer.ggml.add_eos_token', gguf.bool(false)],
      // No SentencePiece dummy space: after `<|im_start|>` the role reads `system`, not ` system`.
      ['tokenizer.ggml.add_space_prefix', gguf.bool(false)],
      ['tokenizer.chat_template', gguf.str(CHATML_TEMPLATE)],
    ],
    tensors,
  };
}

/** The tiny model as GGUF bytes. */
export function tinyModelBytes(options?: TinyModelOptions): Buffer {
  return encodeGguf(buildTinyModel(options));
}
