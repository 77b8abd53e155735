/**
 * Redis replies as Upstash's REST protocol writes them: numbers and null as they are, strings
 * as UTF-8 text, or base64 when the client sent `Upstash-Encoding: base64` (all strings but the
 * status reply "OK"), arrays recursively.
 */
export function toRestValue(reply: unknown, base64: boolean): unknown {
  if (reply === null || reply === undefined) return null;
  if (typeof reply === 'number') return reply;
  if (Buffer.isBuffer(reply)) {
    if (!base64) return reply.toString('utf8');
    return reply.equals(OK) ? 'OK' : reply.toString('base64');
  }
  if (typeof reply === 'string')
    return base64 && reply !== 'OK' ? Buffer.from(reply).toString('base64') : reply;
  if (Array.isArray(reply)) return reply.map((item) => toRestValue(item, base64));
  if (reply instanceof Error) return reply.message;
  return String(reply);
}

const OK = Buffer.from('OK');
