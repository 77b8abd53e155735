/**
 * A streamed upload whose first bytes are checked before anything is stored: the head is read
 * (SNIFF_BYTES, or the whole body if shorter), sniffed, and the body is handed on as head + rest,
 * still streaming, so a video is never held in memory. A mismatch cancels the stream.
 */
import { MediaTypeMismatch } from '../errors/media-type-mismatch.js';
import { SNIFF_BYTES, sameMediaKind, sniffMediaType } from './sniff-media-type.js';

export async function checkedMediaBody(
  body: ReadableStream<Uint8Array>,
  declaredType: string,
): Promise<AsyncIterable<Uint8Array>> {
  const reader = body.getReader();
  const head: Uint8Array[] = [];
  let headBytes = 0;
  let done = false;
  while (headBytes < SNIFF_BYTES) {
    const next = await reader.read();
    if (next.done) {
      done = true;
      break;
    }
    head.push(next.value);
    headBytes += next.value.byteLength;
  }
  const sniffed = await sniffMediaType(Buffer.concat(head));
  if (!sniffed || !sameMediaKind(sniffed, declaredType)) {
    await reader.cancel().catch(() => undefined);
    throw new MediaTypeMismatch(declaredType, sniffed);
  }
  return (async function* () {
    try {
      yield* head;
      if (done) return;
      for (;;) {
        const next = await reader.read();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      // Stopped early (a size limit): let the request's stream go.
      await reader.cancel().catch(() => undefined);
    }
  })();
}
