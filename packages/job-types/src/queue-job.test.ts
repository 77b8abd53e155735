import { describe, expect, it } from 'vitest';
import { describeValidationError } from './api-error.js';
import { resolveGenerationParams } from './generation-params.js';
import { JobType } from './job-type.js';
import { creditCost, ignoredMetadataKeys, QueueJobRequest } from './queue-job.js';

function rejection(body: unknown) {
  const result = QueueJobRequest.safeParse(body);
  if (result.success) throw new Error(`expected ${JSON.stringify(body)} to be rejected`);
  return describeValidationError(result.error).error;
}

describe('QueueJobRequest', () => {
  it.each(JobType.options)('accepts a minimal %s request', (jobType) => {
    expect(QueueJobRequest.parse({ jobType })).toEqual({ jobType });
  });

  it.each([
    ['missing jobType', { metadata: { prompt: 'a cat' } }, 'jobType', /is required/],
    ['unknown jobType', { jobType: 'sdxl_image_ultra' }, 'jobType', /must be one of/],
    ['jobType of the wrong type', { jobType: 7 }, 'jobType', /must be one of/],
    [
      'prompt of the wrong type',
      { jobType: 'image_fast', metadata: { prompt: 42 } },
      'metadata.prompt',
      /string/,
    ],
    ['metadata not an object', { jobType: 'image_fast', metadata: 'cat' }, 'metadata', /object/],
    [
      'oversize prompt',
      { jobType: 'image_fast', metadata: { prompt: 'x'.repeat(2001) } },
      'metadata.prompt',
      /2000/,
    ],
    [
      'oversize negative prompt',
      { jobType: 'sdxl_image_fast', metadata: { negativePrompt: 'y'.repeat(2001) } },
      'metadata.negativePrompt',
      /2000/,
    ],
    ['negative width', { jobType: 'sdxl_image_fast', metadata: { width: -512 } }, 'metadata.width', />=256/],
    ['negative height', { jobType: 'video_fast', metadata: { height: -16 } }, 'metadata.height', />=256/],
    [
      'SDXL width off 8',
      { jobType: 'sdxl_image_high', metadata: { width: 1020 } },
      'metadata.width',
      /multiple of 8/,
    ],
    [
      'WAN height off 16',
      { jobType: 'image_high', metadata: { height: 488 } },
      'metadata.height',
      /multiple of 16/,
    ],
    ['WAN width too large', { jobType: 'video_high', metadata: { width: 1296 } }, 'metadata.width', /<=1280/],
    [
      'SDXL width too large',
      { jobType: 'sdxl_image_fast', metadata: { width: 2056 } },
      'metadata.width',
      /<=2048/,
    ],
    ['fractional size', { jobType: 'sdxl_image_fast', metadata: { width: 512.5 } }, 'metadata.width', /int/],
    ['numImages on WAN', { jobType: 'image_fast', metadata: { numImages: 2 } }, 'metadata.numImages', /SDXL/],
    [
      'too many images',
      { jobType: 'sdxl_image_fast', metadata: { numImages: 7 } },
      'metadata.numImages',
      /<=6/,
    ],
    ['zero images', { jobType: 'sdxl_image_fast', metadata: { numImages: 0 } }, 'metadata.numImages', />=1/],
    ['negative seed', { jobType: 'image_fast', metadata: { seed: -1 } }, 'metadata.seed', />=0/],
    [
      'seed over 2^32-1',
      { jobType: 'image_fast', metadata: { seed: 2 ** 32 } },
      'metadata.seed',
      /4294967295/,
    ],
    ['bad projectId', { jobType: 'image_fast', projectId: 'not-a-uuid' }, 'projectId', /UUID/i],
    [
      'bad reference URL',
      { jobType: 'video_fast', metadata: { referenceImageUrl: 'nope' } },
      'metadata.referenceImageUrl',
      /URL/i,
    ],
  ])('rejects %s, naming the field', (_name, body, field, message) => {
    const error = rejection(body);
    expect(error.code).toBe('invalid_request');
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
    expect(error.message.startsWith(`${field}:`)).toBe(true);
  });

  it.each([null, 'text', 12, []])('rejects a body that is not an object (%j)', (body) => {
    expect(rejection(body).message).toBe('request body must be a JSON object');
  });

  it('counts prompt length in characters, not UTF-16 units', () => {
    const emoji = '🎨'.repeat(2000);
    expect(QueueJobRequest.safeParse({ jobType: 'image_fast', metadata: { prompt: emoji } }).success).toBe(
      true,
    );
    expect(
      QueueJobRequest.safeParse({ jobType: 'image_fast', metadata: { prompt: `${emoji}!` } }).success,
    ).toBe(false);
  });

  it('keeps extra metadata and reports the ignored seed fields', () => {
    const request = QueueJobRequest.parse({
      jobType: 'sdxl_image_fast',
      metadata: { prompt: 'a cat', credits: 99, queue: 'wan_queue', style: 'noir' },
    });
    expect(request.metadata).toMatchObject({ style: 'noir' });
    expect(ignoredMetadataKeys(request)).toEqual(['credits', 'queue']);
    expect(creditCost(request)).toBe(1);
  });
});

describe('credit cost and resolved parameters', () => {
  it('charges SDXL per image and WAN per job', () => {
    expect(
      creditCost(QueueJobRequest.parse({ jobType: 'sdxl_image_high', metadata: { numImages: 3 } })),
    ).toBe(6);
    expect(creditCost(QueueJobRequest.parse({ jobType: 'video7b_high_enhanced' }))).toBe(9);
  });

  it('lays the request over the preset and draws a seed only when none is given', () => {
    let drawn = 0;
    const random = () => {
      drawn += 1;
      return 1234;
    };
    const params = resolveGenerationParams(
      QueueJobRequest.parse({ jobType: 'video_fast', metadata: { prompt: 'waves', width: 640 } }),
      random,
    );
    expect(params).toMatchObject({
      prompt: 'waves',
      width: 640,
      height: 480,
      frames: 81,
      seed: 1234,
      numImages: 1,
    });
    expect(params.negativePrompt.length).toBeGreaterThan(0);
    const seeded = resolveGenerationParams(
      QueueJobRequest.parse({ jobType: 'image_fast', metadata: { seed: 0 } }),
      random,
    );
    expect(seeded.seed).toBe(0);
    expect(drawn).toBe(1);
  });
});
