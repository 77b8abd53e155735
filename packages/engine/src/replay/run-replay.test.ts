import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureDir } from '../../test/fixtures.js';
import { runReplay } from './run-replay.js';

function capture() {
  const lines = { out: '', err: '' };
  return {
    lines,
    io: { cwd: '/', out: (t: string) => (lines.out += t), err: (t: string) => (lines.err += t) },
  };
}

describe('replay command', () => {
  it('replays sdxl-tiny: every tensor within tolerance, files written, exit 0', async () => {
    const dir = fixtureDir('sdxl-tiny');
    const out = mkdtempSync(join(tmpdir(), 'gpuq-replay-'));
    const { lines, io } = capture();
    expect(await runReplay([dir, out], io)).toBe(0);
    expect(lines.out).toMatch(/0 out of tolerance/);
    expect(lines.out).toMatch(/loops\.safetensors\s+euler\.step3\.latents/);
    expect(existsSync(join(out, 'reference', 'unet_forward.safetensors'))).toBe(true);
    expect(existsSync(join(out, 'reference', 'image_dpmpp_2m_karras.png'))).toBe(true);
    rmSync(out, { recursive: true, force: true });
  }, 120_000);

  it('replays wan-tiny: every tensor within tolerance, exit 0', async () => {
    const wanDir = fixtureDir('wan-tiny');
    const out = mkdtempSync(join(tmpdir(), 'gpuq-replay-wan-'));
    const { lines, io } = capture();
    expect(await runReplay([wanDir, out], io)).toBe(0);
    expect(lines.out).toMatch(/WanPipeline: 87 tensors written, 87 compared, 0 out of tolerance/);
    expect(existsSync(join(out, 'reference', 'vae_decode.safetensors'))).toBe(true);
    rmSync(out, { recursive: true, force: true });
  }, 120_000);

  it('exits 2 with a usage line on bad arguments, and on a missing folder', async () => {
    const { lines, io } = capture();
    expect(await runReplay([], io)).toBe(2);
    expect(lines.err).toMatch(/usage/);
    expect(await runReplay(['/nonexistent', '/tmp/x'], io)).toBe(2);
    expect(lines.err).toMatch(/GPUQ_NOT_FOUND/);
  });
});
