import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@gpuq/config';
import { fixtureDir, writeSingleFileFromFolder } from '@gpuq/engine/testing';
import { createLogger } from '@gpuq/logger';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSdxlWorkerSettings } from './env.js';
import { loadSdxlModel } from './sdxl-model.js';

/**
 * SDXL_MODEL_DIR naming a single-file checkpoint: the sdxl-tiny fixture written in the
 * sd_xl_base_1.0.safetensors layout loads with SDXL_CONFIG_DIR, and without it (SDXL base 1.0's
 * configs) start-up fails naming the file and the tensor that does not fit.
 */
const tmp = mkdtempSync(join(tmpdir(), 'gpuq-sdxl-single-file-'));
const file = join(tmp, 'sdxl-tiny.safetensors');
const tiny = fixtureDir('sdxl-tiny');
writeSingleFileFromFolder(tiny, file);
const logger = createLogger({ name: 'sdxl-model-test', level: 'silent' });
const settings = (extra: Record<string, string>) =>
  loadSdxlWorkerSettings({
    REDIS_URL: 'redis://127.0.0.1:6379',
    GPUQ_DEVICE: 'cpu',
    GPUQ_DATA_DIR: tmp,
    ...extra,
  });

describe('SDXL_MODEL_DIR as a single-file checkpoint', () => {
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('loads the file with the configs of SDXL_CONFIG_DIR', async () => {
    const model = await loadSdxlModel(settings({ SDXL_MODEL_DIR: file, SDXL_CONFIG_DIR: tiny }), logger);
    expect(model.description).toContain(file);
  });

  it('fails at start-up naming the file and tensor when the file does not fit the configs', async () => {
    const error = await loadSdxlModel(settings({ SDXL_MODEL_DIR: file }), logger).catch((e: unknown) => e);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toMatch(/tensor \S+ has shape/);
  });

  it('refuses SDXL_CONFIG_DIR beside a diffusers folder, naming the setting', () => {
    expect(() => settings({ SDXL_MODEL_DIR: tiny, SDXL_CONFIG_DIR: tiny })).toThrow(ConfigError);
    expect(() => settings({ SDXL_MODEL_DIR: tiny, SDXL_CONFIG_DIR: tiny })).toThrow(/SDXL_CONFIG_DIR/);
  });
});
