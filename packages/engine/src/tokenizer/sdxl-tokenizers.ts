/**
 * SDXL's two CLIP tokenizers from a model folder's `tokenizer/` and `tokenizer_2/`: vocabulary
 * and merges, plus the special tokens each folder names. The bigG tokenizer (`tokenizer_2`) pads
 * with "!" where ViT-L pads with its end token: that comes from the folder's
 * tokenizer_config.json (or special_tokens_map.json), never from a built-in default.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError } from '../common/engine-error.js';
import { ClipTokenizer, type ClipTokenizerOptions } from './clip-tokenizer.js';

type TokenSetting = string | { content?: string } | null | undefined;

interface SpecialTokens {
  bos_token?: TokenSetting;
  eos_token?: TokenSetting;
  pad_token?: TokenSetting;
}

function tokenText(setting: TokenSetting): string | undefined {
  if (typeof setting === 'string') return setting;
  return setting?.content ?? undefined;
}

async function readSpecialTokens(dir: string): Promise<SpecialTokens> {
  const merged: SpecialTokens = {};
  // tokenizer_config.json wins, as in transformers' from_pretrained.
  for (const file of ['special_tokens_map.json', 'tokenizer_config.json']) {
    const path = join(dir, file);
    if (!existsSync(path)) continue;
    try {
      Object.assign(merged, JSON.parse(await readFile(path, 'utf8')) as SpecialTokens);
    } catch (err) {
      throw new EngineError('GPUQ_BAD_FORMAT', `${path} is not JSON: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  return merged;
}

/** One tokenizer folder (vocab.json, merges.txt and its special tokens). */
export async function clipTokenizerFromFolder(dir: string, maxLength: number): Promise<ClipTokenizer> {
  const special = await readSpecialTokens(dir);
  const options: ClipTokenizerOptions = { maxLength };
  const bos = tokenText(special.bos_token);
  const eos = tokenText(special.eos_token);
  const pad = tokenText(special.pad_token);
  if (bos) options.bosToken = bos;
  if (eos) options.eosToken = eos;
  if (pad) options.padToken = pad;
  return ClipTokenizer.fromDir(dir, options);
}

/** Both tokenizers of an SDXL folder, or undefined when it has none (prompts must be ids then). */
export async function sdxlTokenizers(
  dir: string,
  maxLength: number,
): Promise<readonly [ClipTokenizer, ClipTokenizer] | undefined> {
  const folders = [join(dir, 'tokenizer'), join(dir, 'tokenizer_2')] as const;
  if (!folders.every((f) => existsSync(join(f, 'vocab.json')))) return undefined;
  return [
    await clipTokenizerFromFolder(folders[0], maxLength),
    await clipTokenizerFromFolder(folders[1], maxLength),
  ] as const;
}
