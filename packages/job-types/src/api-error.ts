/** The one error body every route answers with (but PostgREST-style `/rest/v1/rpc/*`). */
import { z } from 'zod';

export const ApiErrorCode = z.enum([
  'invalid_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'insufficient_credits',
  'idempotency_mismatch',
  'payload_too_large',
  'rate_limited',
  'unavailable',
  'internal',
]);
export type ApiErrorCode = z.infer<typeof ApiErrorCode>;

export const ApiErrorBody = z
  .object({
    error: z.object({
      code: ApiErrorCode,
      message: z.string(),
      /** Dotted path of the offending request field, when one field is to blame. */
      field: z.string().optional(),
    }),
  })
  .meta({ id: 'ApiErrorBody' });
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

/** The first problem of a failed parse, as a 400 body that names the field. */
export function describeValidationError(error: z.ZodError): ApiErrorBody {
  const issue = error.issues[0];
  if (!issue) return { error: { code: 'invalid_request', message: 'invalid request body' } };
  const field = issue.path.map(String).join('.');
  return {
    error: {
      code: 'invalid_request',
      message: field ? `${field}: ${issue.message}` : issue.message,
      ...(field ? { field } : {}),
    },
  };
}
