/**
 * The opaque `cursor` of `GET /v1/projects`: base64url of `[createdAt, id]` of the last project
 * of the previous page. A cursor that does not decode to exactly that is a 400 naming `cursor`.
 */
import type { ProjectCursor } from '@gpuq/db';
import { HttpError } from '@gpuq/http';
import { z } from 'zod';

// Postgres's text form of a timestamptz (ISO DateStyle), as the database layer hands it out.
const PostgresTimestamp = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:\d{2}){0,2}|Z)$/);
const CursorParts = z.tuple([PostgresTimestamp, z.uuid()]);

export function encodeProjectCursor(cursor: ProjectCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id])).toString('base64url');
}

export function decodeProjectCursor(text: string): ProjectCursor {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    parts = undefined;
  }
  const parsed = CursorParts.safeParse(parts);
  if (!parsed.success) {
    throw new HttpError(400, 'invalid_request', 'cursor: not a cursor this api gave out', {
      field: 'cursor',
    });
  }
  const [createdAt, id] = parsed.data;
  return { createdAt, id };
}
