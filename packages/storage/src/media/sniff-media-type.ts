/**
 * What a file's first bytes say it is, by `file-type` (signatures kept up to date upstream; it
 * tells an AVIF, HEIC or M4A from an MP4 by the ISO brand, and Matroska from WebM by the EBML doc
 * type, where a hand-written prefix check would call them all "video"). Every upload is checked
 * with it: a file is stored only when its bytes are the storable type it is declared as, so an
 * HTML page or an SVG cannot be stored under an image or video type.
 */
import { fileTypeFromBuffer } from 'file-type';
import { type StorableMediaType, storableMediaType } from '../content-type.js';

/** Bytes `file-type` needs to decide every storable type (its own sample size). */
export const SNIFF_BYTES = 4100;

// file-type names some storable files more precisely than the allow-list does.
const SAME_AS: Record<string, StorableMediaType> = {
  'image/apng': 'image/png',
  'video/x-m4v': 'video/mp4',
};

/** The storable media type the content proves, or undefined when it is none we store. */
export async function sniffMediaType(bytes: Uint8Array): Promise<StorableMediaType | undefined> {
  const found = await fileTypeFromBuffer(bytes.subarray(0, SNIFF_BYTES));
  if (!found) return undefined;
  return SAME_AS[found.mime] ?? storableMediaType(found.mime);
}

/** Whether the sniffed type and the declared one are the same kind of file. */
export function sameMediaKind(sniffed: StorableMediaType, declared: string): boolean {
  const named = storableMediaType(declared);
  if (sniffed === named) return true;
  // ISO media: .mov, .m4v and .mp4 share the container, and players treat them alike.
  const iso = new Set<string>(['video/mp4', 'video/quicktime']);
  return named !== undefined && iso.has(sniffed) && iso.has(named);
}
