/**
 * SentencePiece's normalizer: the precompiled character map of a `.model` file (nmt_nfkc for T5 /
 * UMT5: NFKC plus whitespace and control-character rules) applied longest-match-first, then the
 * whitespace rules (drop leading, trailing and repeated spaces, a "▁" prefix, spaces as "▁").
 *
 * The map is a Darts double-array trie over UTF-8 bytes followed by the replacement strings:
 * `uint32 trie_size | trie units (uint32 each) | NUL-terminated strings`. A trie value is the
 * offset of its replacement in the string block.
 */

const SPACE = '\u2581';
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

export interface NormalizerOptions {
  readonly addDummyPrefix: boolean;
  readonly removeExtraWhitespaces: boolean;
  readonly escapeWhitespaces: boolean;
}

export class PrecompiledNormalizer {
  private readonly units: Uint32Array;
  private readonly strings: Uint8Array;

  constructor(
    charsmap: Uint8Array,
    private readonly options: NormalizerOptions,
  ) {
    if (charsmap.length < 4) {
      this.units = new Uint32Array(0);
      this.strings = new Uint8Array(0);
      return;
    }
    const view = new DataView(charsmap.buffer, charsmap.byteOffset, charsmap.byteLength);
    const trieSize = view.getUint32(0, true);
    this.units = new Uint32Array(trieSize / 4);
    for (let i = 0; i < this.units.length; i++) this.units[i] = view.getUint32(4 + 4 * i, true);
    this.strings = charsmap.subarray(4 + trieSize);
  }

  /** The longest rule matching `bytes` at `pos`: [consumed bytes, replacement] or undefined. */
  private longestMatch(bytes: Uint8Array, pos: number): [number, Uint8Array] | undefined {
    const u = this.units;
    if (u.length === 0) return undefined;
    const offset = (unit: number) => (unit >>> 10) << ((unit & (1 << 9)) >>> 6);
    let node = offset(u[0]!);
    let best: [number, number] | undefined;
    for (let i = pos; i < bytes.length; i++) {
      const c = bytes[i]!;
      node ^= c;
      const unit = u[node];
      // label(): the low byte plus the leaf-marker bit must equal the key byte.
      if (unit === undefined || (unit & ((1 << 31) | 0xff)) !== c) break;
      node ^= offset(unit);
      if ((unit >>> 8) & 1) best = [i + 1 - pos, u[node]! & 0x7fffffff];
    }
    if (!best) return undefined;
    let end = best[1];
    while (end < this.strings.length && this.strings[end] !== 0) end++;
    return [best[0], this.strings.subarray(best[1], end)];
  }

  normalize(text: string): string {
    const bytes = encoder.encode(text);
    const pieces: string[] = [];
    let pos = 0;
    // One step: the rule's replacement, or the next UTF-8 character unchanged.
    const next = (): [number, string] => {
      const m = this.longestMatch(bytes, pos);
      if (m) return [m[0], decoder.decode(m[1])];
      const b = bytes[pos]!;
      const len = b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
      return [len, decoder.decode(bytes.subarray(pos, pos + len))];
    };
    const o = this.options;
    if (o.removeExtraWhitespaces) {
      while (pos < bytes.length) {
        const [n, s] = next();
        if (s !== ' ') break;
        pos += n;
      }
    }
    if (pos >= bytes.length) return '';
    if (o.addDummyPrefix) pieces.push(o.escapeWhitespaces ? SPACE : ' ');
    let prevSpace = o.removeExtraWhitespaces;
    while (pos < bytes.length) {
      const [n, raw] = next();
      let s = raw;
      if (prevSpace) s = s.replace(/^ +/, '');
      if (s.length > 0) {
        pieces.push(o.escapeWhitespaces ? s.replaceAll(' ', SPACE) : s);
        prevSpace = s.endsWith(' ');
      }
      pos += n;
      if (!o.removeExtraWhitespaces) prevSpace = false;
    }
    let out = pieces.join('');
    if (o.removeExtraWhitespaces) {
      const space = o.escapeWhitespaces ? SPACE : ' ';
      while (out.endsWith(space)) out = out.slice(0, -space.length);
    }
    return out;
  }
}
