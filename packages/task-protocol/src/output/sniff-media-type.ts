/**
 * What a file's first bytes say it is. complete-task checks that a base64 file named `out.png`
 * really is a PNG (and an `.mp4` an ISO media file), so a worker cannot store an HTML page or a
 * script under a media name in a public bucket.
 */

const startsWith = (bytes: Uint8Array, prefix: readonly number[], offset = 0) =>
  prefix.every((byte, index) => bytes[offset + index] === byte);

const ascii = (text: string) => [...text].map((char) => char.charCodeAt(0));

/** The media type the content proves, or undefined when it is none we store. */
export function sniffMediaType(bytes: Uint8Array): string | undefined {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, ascii('GIF8'))) return 'image/gif';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'image/webp';
  if (startsWith(bytes, [0x1a, 0x45, 0xdf, 0xa3])) return 'video/webm';
  if (startsWith(bytes, ascii('ftyp'), 4)) {
    return startsWith(bytes, ascii('qt  '), 8) ? 'video/quicktime' : 'video/mp4';
  }
  return undefined;
}

/** Whether the sniffed type and the one the file name implies are the same kind of file. */
export function sameMediaKind(sniffed: string, named: string): boolean {
  if (sniffed === named) return true;
  // ISO media: .mov, .m4v and .mp4 share the container.
  const iso = new Set(['video/mp4', 'video/quicktime']);
  return iso.has(sniffed) && iso.has(named);
}
