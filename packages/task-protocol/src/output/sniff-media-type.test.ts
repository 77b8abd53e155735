import { describe, expect, it } from 'vitest';
import { sameMediaKind, sniffMediaType } from './sniff-media-type.js';

const bytes = (...parts: Array<number[] | string>) =>
  new Uint8Array(
    parts.flatMap((part) => (typeof part === 'string' ? [...part].map((c) => c.charCodeAt(0)) : part)),
  );

describe('sniffMediaType', () => {
  it.each([
    [bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a]), 'image/png'],
    [bytes([0xff, 0xd8, 0xff, 0xe0]), 'image/jpeg'],
    [bytes('GIF89a'), 'image/gif'],
    [bytes('RIFF', [0, 0, 0, 0], 'WEBP'), 'image/webp'],
    [bytes([0x1a, 0x45, 0xdf, 0xa3]), 'video/webm'],
    [bytes([0, 0, 0, 0x20], 'ftypisom'), 'video/mp4'],
    [bytes([0, 0, 0, 0x14], 'ftypqt  '), 'video/quicktime'],
    [bytes('<html>'), undefined],
    [bytes(), undefined],
  ])('%#: %s', (input, expected) => {
    expect(sniffMediaType(input)).toBe(expected);
  });

  it('treats the ISO media family as one kind', () => {
    expect(sameMediaKind('video/mp4', 'video/quicktime')).toBe(true);
    expect(sameMediaKind('image/png', 'image/jpeg')).toBe(false);
  });
});
