/**
 * GPT-2 / CLIP byte-level alphabet: every byte maps to a printable code point, so BPE merges can
 * be written as text. Printable Latin-1 bytes map to themselves, the other 68 to U+0100 onwards.
 */
function buildByteEncoder(): string[] {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const table = new Array<string>(256);
  for (const b of printable) table[b] = String.fromCodePoint(b);
  let next = 0;
  for (let b = 0; b < 256; b++) {
    if (table[b] === undefined) table[b] = String.fromCodePoint(256 + next++);
  }
  return table;
}

export const BYTE_ENCODER: readonly string[] = buildByteEncoder();

/** UTF-8 bytes of `text`, each replaced by its byte-level character. */
export function byteEncode(text: string): string {
  let out = '';
  for (const b of Buffer.from(text, 'utf8')) out += BYTE_ENCODER[b];
  return out;
}
