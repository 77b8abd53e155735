/**
 * Linear crossfade of two RGB8 frames. Over an overlap of k frames the incoming segment's weight
 * steps through 1/(k+1) … k/(k+1): neither end of the overlap repeats a pure source frame, so the
 * transition has no visible hold at its edges.
 */

/** `weight` of `incoming`; the result is rounded to the nearest 8-bit value. */
export function blendFrames(outgoing: Uint8Array, incoming: Uint8Array, weight: number): Buffer {
  const out = Buffer.allocUnsafe(outgoing.length);
  const keep = 1 - weight;
  for (let i = 0; i < out.length; i++) out[i] = Math.round(outgoing[i]! * keep + incoming[i]! * weight);
  return out;
}

/** Weight of the incoming segment at position `index` (0-based) of an overlap of `length` frames. */
export function crossfadeWeight(index: number, length: number): number {
  return (index + 1) / (length + 1);
}
