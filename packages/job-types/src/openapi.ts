/**
 * JSON Schema and OpenAPI components generated from the zod schemas themselves, so the docs can
 * never drift from what the API validates. Every schema given an `id` through `.meta()` becomes a
 * component; references between them become `$ref`s.
 */
import { z } from 'zod';
// Imported for their side effect: each module registers its schemas' ids.
import './account.js';
import './callback.js';
import './job-data.js';
import './job-record.js';
import './job-storage.js';
import './queue-job.js';
import './task-params.js';
import './task-protocol.js';
import './api-error.js';

type JsonSchema = Record<string, unknown>;

const options = {
  target: 'draft-2020-12',
  // Describe what clients send (before transforms and defaults), the side a client author reads.
  io: 'input',
  unrepresentable: 'any',
  uri: (id: string) => `#/components/schemas/${id}`,
} as const;

/** `components.schemas` of the OpenAPI 3.1 document (JSON Schema 2020-12 dialect). */
export function openApiSchemas(): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(z.globalRegistry, options) as { schemas: Record<string, JsonSchema> };
  for (const schema of Object.values(schemas)) {
    delete schema.$schema;
    delete schema.$id;
  }
  return schemas;
}

/** One schema as standalone JSON Schema. */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
}
