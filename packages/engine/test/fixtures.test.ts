import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FixtureMissingError, fixtureDir, goldenRoot, readSafetensors } from './fixtures.js';

const saved = process.env.GPUQ_FIXTURES;
afterEach(() => {
  if (saved === undefined) delete process.env.GPUQ_FIXTURES;
  else process.env.GPUQ_FIXTURES = saved;
});

describe('golden fixtures', () => {
  it('ship in the repository: both checkpoints with their reference tensors', () => {
    delete process.env.GPUQ_FIXTURES;
    for (const [name, weights] of [
      ['sdxl-tiny', 'unet/diffusion_pytorch_model.safetensors'],
      ['wan-tiny', 'transformer/diffusion_pytorch_model.safetensors'],
    ] as const) {
      const dir = fixtureDir(name);
      expect(dir).toBe(join(goldenRoot, name));
      expect(statSync(join(dir, weights)).size).toBeGreaterThan(0);
      expect(readSafetensors(join(dir, 'reference', 'loops.safetensors')).has('initial_latents')).toBe(true);
    }
  });

  it('fail loudly, naming the folder, when GPUQ_FIXTURES points where they are not', () => {
    process.env.GPUQ_FIXTURES = '/nonexistent/gpuq-fixtures';
    expect(existsSync(process.env.GPUQ_FIXTURES)).toBe(false);
    expect(() => fixtureDir('sdxl-tiny')).toThrow(FixtureMissingError);
    expect(() => fixtureDir('sdxl-tiny')).toThrow(
      /fixture folder \/nonexistent\/gpuq-fixtures\/sdxl-tiny not found .*packages\/engine\/test\/golden/,
    );
  });
});
