/**
 * Reads the headers of a component folder's safetensors files (no tensor data): names, dtypes
 * and shapes, for the memory plan. Picks the files the native loader picks: the plain
 * `*.safetensors` files, or the `.fp16` / `.bf16` variants when there are no plain ones.
 */
import { closeSync, existsSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError } from '../common/engine-error.js';

export interface TensorHeader {
  readonly name: string;
  readonly file: string;
  readonly dtype: string;
  readonly shape: readonly number[];
}

/** The largest header the format allows (safetensors caps it at 100 MB). */
const MAX_HEADER_BYTES = 100_000_000;

export function weightFiles(dir: string): string[] {
  if (!existsSync(dir))
    throw new EngineError('GPUQ_NOT_FOUND', `checkpoint component folder not found: ${dir}`);
  const all = readdirSync(dir)
    .filter((name) => name.endsWith('.safetensors'))
    .sort();
  const isVariant = (name: string) => name.includes('.fp16.') || name.includes('.bf16.');
  const plain = all.filter((name) => !isVariant(name));
  const files = plain.length > 0 ? plain : all;
  if (files.length === 0) throw new EngineError('GPUQ_NOT_FOUND', `no .safetensors weights in ${dir}`);
  return files;
}

export function readSafetensorsHeader(path: string): TensorHeader[] {
  const fd = openSync(path, 'r');
  try {
    const prefix = Buffer.alloc(8);
    if (readSync(fd, prefix, 0, 8, 0) !== 8) throw badFile(path, 'shorter than its 8-byte header length');
    const length = Number(prefix.readBigUInt64LE(0));
    if (length > MAX_HEADER_BYTES) throw badFile(path, `header length ${length} is not plausible`);
    const header = Buffer.alloc(length);
    if (readSync(fd, header, 0, length, 8) !== length) throw badFile(path, 'header cut short');
    const json = JSON.parse(header.toString('utf8')) as Record<string, { dtype?: string; shape?: number[] }>;
    return Object.entries(json)
      .filter(([name]) => name !== '__metadata__')
      .map(([name, t]) => ({ name, file: path, dtype: t.dtype ?? '?', shape: t.shape ?? [] }));
  } catch (err) {
    if (err instanceof EngineError) throw err;
    throw badFile(path, (err as Error).message);
  } finally {
    closeSync(fd);
  }
}

/** Every tensor header of a component folder. */
export function readComponentHeaders(dir: string): TensorHeader[] {
  return weightFiles(dir).flatMap((name) => readSafetensorsHeader(join(dir, name)));
}

/**
 * Where each SDXL component's tensors sit in a single-file checkpoint (the original SGM names:
 * UNet, VAE, CLIP ViT-L and OpenCLIP bigG); the native loader maps them to diffusers names.
 */
const SINGLE_FILE_PREFIXES: Record<string, string> = {
  unet: 'model.diffusion_model.',
  vae: 'first_stage_model.',
  text_encoder: 'conditioner.embedders.0.',
  text_encoder_2: 'conditioner.embedders.1.',
};

/** The tensor headers of one SDXL component inside a single-file checkpoint. */
export function singleFileComponentHeaders(file: string, component: string): TensorHeader[] {
  const prefix = SINGLE_FILE_PREFIXES[component];
  if (prefix === undefined)
    throw new EngineError('GPUQ_INVALID_ARGUMENT', `a single-file SDXL checkpoint has no ${component}`);
  return readSafetensorsHeader(file).filter((t) => t.name.startsWith(prefix));
}

function badFile(path: string, why: string): EngineError {
  return new EngineError('GPUQ_BAD_FORMAT', `${path}: not a safetensors file (${why})`);
}
