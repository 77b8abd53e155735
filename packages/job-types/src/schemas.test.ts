import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SCHEMA_EXAMPLES } from './examples.js';
import { openApiSchemas } from './openapi.js';

const components = openApiSchemas();
const zodSchemas = z.globalRegistry._idmap as Map<string, z.ZodType>;

/** Compiles one component inside a document laid out as OpenAPI lays it out, so `$ref`s resolve. */
function validatorFor(id: string) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const base = 'https://gpuq.invalid/openapi.json';
  ajv.addSchema({ $id: base, components: { schemas: components } });
  return ajv.compile({ $ref: `${base}#/components/schemas/${id}` });
}

describe('every public schema', () => {
  it('has a generated component and an example', () => {
    expect(Object.keys(components).sort()).toEqual(Object.keys(SCHEMA_EXAMPLES).sort());
  });

  it.each(Object.keys(SCHEMA_EXAMPLES))('%s: the example round-trips through zod and JSON', (id) => {
    const schema = zodSchemas.get(id)!;
    const parsed = schema.parse(SCHEMA_EXAMPLES[id]);
    const reparsed = schema.parse(JSON.parse(JSON.stringify(parsed)));
    expect(reparsed).toEqual(parsed);
  });

  it.each(Object.keys(SCHEMA_EXAMPLES))('%s: the generated JSON Schema accepts the example', (id) => {
    const validate = validatorFor(id);
    expect(validate(SCHEMA_EXAMPLES[id]), JSON.stringify(validate.errors)).toBe(true);
  });

  it('and the JSON Schema rejects what zod rejects', () => {
    const validate = validatorFor('QueueJobRequest');
    expect(validate({ jobType: 'nope' })).toBe(false);
    expect(validate({ jobType: 'image_fast', metadata: { width: 100 } })).toBe(false);
    expect(validate({ jobType: 'image_fast', metadata: { prompt: 'x'.repeat(2001) } })).toBe(false);
  });
});
