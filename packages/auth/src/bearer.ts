/**
 * Finds the caller's token in a request: the `Authorization: Bearer` header, or (for a browser's
 * EventSource, which cannot send headers) the `access_token` query parameter when a route allows
 * it. The `apikey` header that Supabase clients add is never read: it identifies the project, not
 * the caller, and grants nothing.
 */
import { AuthError } from './errors/auth-error.js';

/** Longer than any real JWT or access token; refusing early keeps hashing and parsing bounded. */
export const MAX_TOKEN_LENGTH = 8192;

export interface TokenSource {
  authorization: string | undefined;
  /** The `access_token` query value; pass it only where query tokens are allowed. */
  queryToken?: string | undefined;
}

/** The raw token, or undefined when the request carries none. Throws AuthError when malformed. */
export function extractBearerToken(source: TokenSource): string | undefined {
  const header = source.authorization?.trim();
  if (header) {
    const match = /^bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw new AuthError('malformed', 'expected "Authorization: Bearer <token>"');
    return checkLength(match[1]);
  }
  const query = source.queryToken?.trim();
  return query ? checkLength(query) : undefined;
}

function checkLength(token: string): string {
  if (token.length > MAX_TOKEN_LENGTH) throw new AuthError('malformed', 'token too long');
  return token;
}
