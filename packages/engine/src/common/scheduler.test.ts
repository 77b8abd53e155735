import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { f32, fixtureDir, readSafetensors } from '../../test/fixtures.js';
import { Scheduler } from './scheduler.js';

const dir = fixtureDir('sdxl-tiny');

describe('Scheduler on the sdxl-tiny configs', () => {
  const config = (name: string) => readFileSync(join(dir, 'reference', `scheduler_${name}.json`), 'utf8');

  it('parses -Infinity in the DPM++ config and gives the reference integer timesteps', () => {
    expect(config('dpmpp_2m_karras')).toContain('-Infinity');
    const s = Scheduler.create(config('dpmpp_2m_karras'), 4);
    expect(s.tables.integerTimesteps).toBe(true);
    const ref = readSafetensors(join(dir, 'reference', 'schedulers.safetensors')).get(
      'dpmpp_2m_karras.4.timesteps',
    )!;
    expect(Array.from(s.tables.timesteps)).toEqual(Array.from(ref.i64!, Number));
    expect(s.tables.initNoiseSigma).toBe(1);
  });

  it('steps Euler like the reference loop', () => {
    const loops = readSafetensors(join(dir, 'reference', 'loops.safetensors'));
    const s = Scheduler.create(config('euler'), 4);
    const x = f32(loops, 'euler.latents_scaled');
    const next = s.step(f32(loops, 'euler.step0.noise_pred'), 0, x);
    const want = f32(loops, 'euler.step0.latents').data;
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(next.data[i]! - want[i]!));
    expect(worst).toBeLessThan(2e-4);
  });

  it('rejects out-of-order steps and unknown names with codes', () => {
    const s = Scheduler.create(config('euler'), 4);
    const t = { data: new Float32Array(4), shape: [1, 1, 2, 2] };
    expect(() => s.step(t, 1, t)).toThrow(expect.objectContaining({ code: 'GPUQ_INVALID_ARGUMENT' }));
    // @ts-expect-error: not a scheduler name
    expect(() => Scheduler.create(config('euler'), 4, 'ddim')).toThrow(/expected one of/);
  });
});
