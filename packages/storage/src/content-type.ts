/**
 * Content types: what a file's extension implies (for files stored without one), and the allow-list
 * check uploads go through. Generated outputs are images and videos; the list stays that short.
 */
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

/** Whether `contentType` matches one of `allowed` (`image/png`, or a wildcard like `video/*`). */
export function isAllowedContentType(contentType: string, allowed: readonly string[]): boolean {
  const essence = essenceOf(contentType);
  if (!essence) return false;
  const [type] = essence.split('/');
  return allowed.some((pattern) => {
    const wanted = pattern.toLowerCase();
    return wanted === essence || wanted === '*/*' || wanted === `${type}/*`;
  });
}
