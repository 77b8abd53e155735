import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sameMediaKind, sniffMediaType } from './sniff-media-type.js';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../test/fixtures/media/${name}`, import.meta.url)));
const text = (value: string) => new TextEncoder().encode(value);

describe('sniffMediaType', () => {
  it.each([
    ['tiny.png', 'image/png'],
    ['tiny.jpg', 'image/jpeg'],
    ['tiny.gif', 'image/gif'],
    ['tiny.webp', 'image/webp'],
    ['tiny.mp4', 'video/mp4'],
    ['tiny.webm', 'video/webm'],
    ['tiny.mov', 'video/quicktime'],
  ])('recognises a real %s as %s', async (name, expected) => {
    expect(await sniffMediaType(fixture(name))).toBe(expected);
  });

  it.each([
    ['an SVG with a script', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'],
    ['an HTML page', '<!doctype html><html><script>alert(1)</script></html>'],
    ['XML', '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'],
    ['a PDF', '%PDF-1.7\n'],
    ['nothing', ''],
  ])('refuses %s', async (_name, content) => {
    expect(await sniffMediaType(text(content))).toBeUndefined();
  });

  it('does not take other ISO media (AVIF, M4A) for an MP4', async () => {
    const box = (brand: string) =>
      new Uint8Array([0, 0, 0, 0x18, ...text(`ftyp${brand}`), 0, 0, 0, 0, ...text(brand), ...text('mif1')]);
    expect(await sniffMediaType(box('avif'))).not.toBe('video/mp4');
    expect(await sniffMediaType(box('M4A '))).not.toBe('video/mp4');
  });

  it('treats the ISO video family as one kind, and nothing else', () => {
    expect(sameMediaKind('video/mp4', 'video/quicktime')).toBe(true);
    expect(sameMediaKind('video/quicktime', 'Video/MP4; codecs=avc1')).toBe(true);
    expect(sameMediaKind('image/png', 'image/jpeg')).toBe(false);
    expect(sameMediaKind('image/png', 'image/svg+xml')).toBe(false);
  });
});
