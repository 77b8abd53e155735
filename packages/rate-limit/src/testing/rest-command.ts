/**
 * Reads the commands of one Upstash REST request: a JSON array in the body (POST /), arrays of
 * them (/pipeline, /multi-exec), or the path form `/set/foo/bar?EX=100` where a POST body is the
 * last argument before the query's.
 */
export type RestArg = string | number;
export type RestCommand = [string, ...RestArg[]];

export class RestRequestError extends Error {
  override readonly name = 'RestRequestError';
}

export function parseCommand(value: unknown): RestCommand {
  if (!Array.isArray(value) || value.length === 0)
    throw new RestRequestError('ERR command must be a non-empty array');
  for (const arg of value) {
    if (typeof arg !== 'string' && typeof arg !== 'number') {
      throw new RestRequestError('ERR command arguments must be strings or numbers');
    }
  }
  return value as RestCommand;
}

export function parseCommandList(value: unknown): RestCommand[] {
  if (!Array.isArray(value) || value.length === 0)
    throw new RestRequestError('ERR expected an array of commands');
  return value.map(parseCommand);
}

export function parsePathCommand(url: URL, body: string): RestCommand {
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (body) parts.push(body);
  for (const [name, value] of url.searchParams) {
    if (name === '_token') continue;
    parts.push(name);
    if (value) parts.push(value);
  }
  return parseCommand(parts);
}
