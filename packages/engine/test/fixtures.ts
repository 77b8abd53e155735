/**
 * Test helpers: locate the golden fixtures (packages/engine/test/golden, shipped in the
 * repository, or GPUQ_FIXTURES), read safetensors files, compare with a manifest's tolerance.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TensorF32 } from '../src/index.js';

/** The in-repository golden fixtures: tiny diffusers checkpoints with reference tensors. */
export const goldenRoot = resolve(dirname(fileURLToPath(import.meta.url)), 'golden');

/** A fixture folder the tests need is absent: a broken checkout or a wrong GPUQ_FIXTURES. */
export class FixtureMissingError extends Error {
  constructor(readonly dir: string) {
    super(
      `fixture folder ${dir} not found (no manifest.json). The golden fixtures ship in the repository ` +
        `at ${goldenRoot}; GPUQ_FIXTURES, when set, must point at a folder holding sdxl-tiny/ and wan-tiny/.`,
    );
    this.name = 'FixtureMissingError';
  }
}

/**
 * The fixture folder `name` (sdxl-tiny, wan-tiny). Throws FixtureMissingError when it is absent:
 * these are the checks against diffusers that matter most, so a missing fixture fails the test
 * instead of skipping it.
 */
export function fixtureDir(name: string): string {
  const dir = join(process.env.GPUQ_FIXTURES || goldenRoot, name);
  if (!existsSync(join(dir, 'manifest.json'))) throw new FixtureMissingError(dir);
  return dir;
}

export interface StoredTensor {
  dtype: string;
  shape: number[];
  f32?: Float32Array;
  i64?: BigInt64Array;
  u8?: Uint8Array;
}

export function readSafetensors(path: string): Map<string, StoredTensor> {
  const buf = readFileSync(path);
  const headerLen = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.toString('utf8', 8, 8 + headerLen)) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
  const base = 8 + headerLen;
  const out = new Map<string, StoredTensor>();
  for (const [name, h] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const bytes = buf.subarray(base + h.data_offsets[0], base + h.data_offsets[1]);
    const copy = new Uint8Array(bytes).buffer;
    const t: StoredTensor = { dtype: h.dtype, shape: h.shape };
    if (h.dtype === 'F32') t.f32 = new Float32Array(copy);
    else if (h.dtype === 'I64') t.i64 = new BigInt64Array(copy);
    else if (h.dtype === 'U8') t.u8 = new Uint8Array(copy);
    out.set(name, t);
  }
  return out;
}

export function f32(map: Map<string, StoredTensor>, name: string): TensorF32 {
  const t = map.get(name);
  if (!t?.f32) throw new Error(`no F32 tensor ${name}`);
  return { data: t.f32, shape: t.shape };
}

export function ids(map: Map<string, StoredTensor>, name: string): Int32Array {
  const t = map.get(name);
  if (!t?.i64) throw new Error(`no I64 tensor ${name}`);
  return Int32Array.from(t.i64, (v) => Number(v));
}

export interface Tolerance {
  atol: number;
  rtol: number;
}

export function tolerances(dir: string): Map<string, Tolerance> {
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
    files: { file: string; tensors: { name: string; tolerance?: { atol?: number; rtol?: number } }[] }[];
  };
  const out = new Map<string, Tolerance>();
  for (const f of m.files)
    for (const t of f.tensors)
      out.set(`${f.file}:${t.name}`, { atol: t.tolerance?.atol ?? 0, rtol: t.tolerance?.rtol ?? 0 });
  return out;
}

/** Worst |a - b| / (atol + rtol |b|): <= 1 means within tolerance. */
export function worstRatio(a: ArrayLike<number>, b: ArrayLike<number>, tol: Tolerance): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const err = Math.abs(a[i]! - b[i]!);
    const bound = tol.atol + tol.rtol * Math.abs(b[i]!);
    worst = Math.max(worst, bound > 0 ? err / bound : err > 0 ? Number.POSITIVE_INFINITY : 0);
  }
  return worst;
}

/** The UNet inputs stored in a unet_forward.safetensors reference. */
export function unetForwardInputs(map: Map<string, StoredTensor>) {
  return {
    sample: f32(map, 'in.sample'),
    timestep: f32(map, 'in.timestep').data[0]!,
    encoderHiddenStates: f32(map, 'in.encoder_hidden_states'),
    textEmbeds: f32(map, 'in.text_embeds'),
    timeIds: f32(map, 'in.time_ids'),
  };
}
