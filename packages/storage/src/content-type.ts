/**
 * Content types: the one allow-list of media types the system stores, what a file's extension
 * implies (for files stored without a type), and the checks uploads go through. Generated outputs
 * are images and videos a browser shows inline; anything a browser could run (SVG, HTML, XML) is
 * out, so the list is explicit types, never `image/*` (which includes `image/svg+xml`).
 */
export const STORABLE_MEDIA_TYPES = [
  'image/png',
  'image/jpeg',
  'image/webp',
  'image/gif',
  'video/mp4',
  'video/webm',
  'video/quicktime',
] as const;

export type StorableMediaType = (typeof STORABLE_MEDIA_TYPES)[number];

const BY_EXTENSION: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  mp4: 'video/mp4',
  webm: 'video/webm',
  mov: 'video/quicktime',
  json: 'application/json',
  txt: 'text/plain',
};

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

export function guessContentType(path: string): string {
  const extension = /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase();
  return (extension && BY_EXTENSION[extension]) || DEFAULT_CONTENT_TYPE;
}

// type "/" subtype, RFC 9110 tokens; parameters (`; charset=...`) are allowed after it.
const MEDIA_TYPE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*(?:;.*)?$/;

/** `Image/PNG; q=1` → `image/png`; undefined when it is not a media type at all. */
export function essenceOf(contentType: string): string | undefined {
  return MEDIA_TYPE.exec(contentType.trim())?.[1]?.toLowerCase();
}

/** The allow-listed type `contentType` names (parameters and case ignored), or undefined. */
export function storableMediaType(contentType: string): StorableMediaType | undefined {
  const essence = essenceOf(contentType);
  return STORABLE_MEDIA_TYPES.find((type) => type === essence);
}

/** Whether `contentType` is one of the storable media types. */
export function isStorableMediaType(contentType: string): boolean {
  return storableMediaType(contentType) !== undefined;
}

/** The allow-list as a sentence for error messages. */
export const STORABLE_MEDIA_TYPES_TEXT = STORABLE_MEDIA_TYPES.join(', ');
