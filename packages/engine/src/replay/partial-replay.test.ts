import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureDir } from '../../test/fixtures.js';
import { runReplay } from './run-replay.js';

/** A copy of a fixture that keeps only `stages` (reference files) and the model folder. */
function partialFixture(name: string, stages: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), `gpuq-partial-${name}-`));
  cpSync(fixtureDir(name), dir, { recursive: true });
  const manifestPath = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const keep = (file: string) => stages.some((s) => file === `reference/${s}.safetensors`);
  manifest.files = manifest.files.filter((f: { file: string }) => keep(f.file));
  manifest.pngs = [];
  manifest.scheduler_configs = [];
  writeFileSync(manifestPath, JSON.stringify(manifest));
  for (const file of readdirSync(join(dir, 'reference'))) {
    if (!keep(`reference/${file}`)) unlinkSync(join(dir, 'reference', file));
  }
  return dir;
}

describe('replay of a fixture holding only some stages', () => {
  it('SDXL: only unet_forward and vae_decode (no text-encoder references) replay and compare', async () => {
    const dir = partialFixture('sdxl-tiny', ['unet_forward', 'vae_decode']);
    const out = mkdtempSync(join(tmpdir(), 'gpuq-partial-out-'));
    let text = '';
    const io = { cwd: '/', out: (t: string) => (text += t), err: (t: string) => (text += t) };
    expect(await runReplay([dir, out], io)).toBe(0);
    expect(text).toMatch(/StableDiffusionXLPipeline: (\d+) tensors written, \1 compared, 0 out of tolerance/);
    expect(text).toMatch(/unet_forward\.safetensors/);
    expect(text).not.toMatch(/text_encoders\.safetensors/);
    expect(existsSync(join(out, 'reference', 'vae_decode.safetensors'))).toBe(true);
    expect(existsSync(join(out, 'reference', 'text_encoders.safetensors'))).toBe(false);
    rmSync(dir, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  }, 120_000);

  it('WAN: only transformer_forward', async () => {
    const dir = partialFixture('wan-tiny', ['transformer_forward']);
    const out = mkdtempSync(join(tmpdir(), 'gpuq-partial-out-'));
    let text = '';
    const io = { cwd: '/', out: (t: string) => (text += t), err: (t: string) => (text += t) };
    expect(await runReplay([dir, out], io)).toBe(0);
    expect(text).toMatch(/WanPipeline: (\d+) tensors written, \1 compared, 0 out of tolerance/);
    expect(existsSync(join(out, 'reference', 'transformer_forward.safetensors'))).toBe(true);
    rmSync(dir, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  }, 120_000);
});
