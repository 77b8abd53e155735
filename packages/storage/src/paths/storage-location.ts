/**
 * Turns what a worker reports (a bare path, `<bucket>/<path>`, or a URL of this system's storage)
 * into the canonical `<userId>/<...>` object path, or refuses it. The callback and the task protocol
 * store only canonical paths, so an asset row never points outside its owner's folder.
 */
import { InvalidStoragePath } from '../errors/invalid-storage-path.js';
import { assertBucketName, assertOwnedPath, assertOwnerId, looksLikeOwnerId } from './storage-path.js';

export interface StorageLocationOptions {
  /** The owner: the result always starts with `<userId>/`. */
  userId: string;
  /** The bucket the output belongs to: a leading `<bucket>/` is dropped, a URL of another bucket refused. */
  bucket?: string;
  /**
   * Base URLs of this system's storage, each ending at `/storage/v1` (the local routes' mount point,
   * `${SUPABASE_URL}/storage/v1`). A URL under none of them is refused as `foreign_url`. Default: none.
   */
  storageBaseUrls?: readonly string[];
}

export interface StorageLocation {
  /** From the URL or the options; undefined when neither named one. */
  bucket: string | undefined;
  /** `<userId>/<...>`. */
  path: string;
}

// What follows `/storage/v1` in the URLs both backends hand out: object (optionally public, sign,
// authenticated or upload/sign) and image-render routes, then `<bucket>/<key>`.
const OBJECT_ROUTE =
  /^\/(?:object|render\/image)(?:\/(?:public|sign|authenticated|upload\/sign))?\/([^/]+)\/(.+)$/;

export function parseStorageLocation(input: string, options: StorageLocationOptions): StorageLocation {
  const owner = assertOwnerId(options.userId);
  if (options.bucket !== undefined) assertBucketName(options.bucket);
  if (input === '') throw new InvalidStoragePath(input, 'empty', 'no path was reported');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) return fromUrl(input, owner, options);

  let segments = input.split('/');
  // A worker may report `<bucket>/<userId>/...`, as the seed's SDXL worker did.
  if (options.bucket !== undefined && segments[0] === options.bucket && segments.length > 1) {
    segments = segments.slice(1);
  }
  const first = segments[0] ?? '';
  // A bare relative path (`out.png`) is relative to the owner's folder; anything shaped like a
  // user's folder must be this owner's, which assertOwnedPath checks.
  if (!looksLikeOwnerId(first) && !input.startsWith('/')) segments = [owner, ...segments];
  return { bucket: options.bucket, path: assertOwnedPath(owner, segments.join('/')) };
}

/** `parseStorageLocation(...).path`: the canonical `<userId>/<...>` path. */
export function normaliseStoragePath(input: string, options: StorageLocationOptions): string {
  return parseStorageLocation(input, options).path;
}

function fromUrl(input: string, owner: string, options: StorageLocationOptions): StorageLocation {
  let url: URL;
  try {
    url = new URL(input);
  } catch (cause) {
    throw new InvalidStoragePath(input, 'foreign_url', 'is not a valid URL', { cause });
  }
  const rest = stripBase(url, options.storageBaseUrls ?? []);
  const match = rest === undefined ? null : OBJECT_ROUTE.exec(rest);
  if (!match) throw new InvalidStoragePath(input, 'foreign_url', "is not a URL of this system's storage");
  const bucket = assertBucketName(decodeSegment(input, match[1]!));
  if (options.bucket !== undefined && bucket !== options.bucket) {
    throw new InvalidStoragePath(input, 'foreign_url', `is in bucket "${bucket}", not "${options.bucket}"`);
  }
  const path = match[2]!
    .split('/')
    .map((segment) => decodeSegment(input, segment))
    .join('/');
  return { bucket, path: assertOwnedPath(owner, path) };
}

/** The URL's path after the matching base, or undefined when no base matches (origin included). */
function stripBase(url: URL, bases: readonly string[]): string | undefined {
  for (const base of bases) {
    const baseUrl = new URL(base);
    const prefix = baseUrl.pathname.replace(/\/+$/, '');
    if (url.origin === baseUrl.origin && url.pathname.startsWith(`${prefix}/`)) {
      return url.pathname.slice(prefix.length);
    }
  }
  return undefined;
}

function decodeSegment(input: string, segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch (cause) {
    throw new InvalidStoragePath(input, 'bad_character', 'has a malformed percent-escape', { cause });
  }
}
