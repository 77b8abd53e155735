/**
 * The path rules, in one place. Every object lives in a bucket under its owner's folder:
 * `<bucket>/<userId>/<...>`. Both backends call these before any I/O, and so do the routes and the
 * task protocol, so a path that one part accepts is a path every part accepts.
 */
import { InvalidStoragePath } from '../errors/invalid-storage-path.js';

/** Longer keys are refused by Supabase Storage too; a generated output never needs more. */
export const MAX_OBJECT_PATH_LENGTH = 1024;

// Bucket names as Supabase creates them, and as the routing catalog names them (job types).
const BUCKET_NAME = /^[a-z0-9][a-z0-9_.-]{0,62}$/;

// The characters Supabase Storage accepts in object keys, less `?`, `#` and `%`: storage-js puts keys
// into URLs unencoded, so those three would silently change which object a request names.
const SEGMENT = /^[A-Za-z0-9_ !\-.*'()&$@=;:+,]+$/;

// C0 controls (NUL included) and DEL: never part of a file name, often part of an attack.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** User ids are UUIDs; a first segment shaped like one is somebody's folder. */
export function looksLikeOwnerId(segment: string): boolean {
  return UUID.test(segment);
}

export function assertBucketName(bucket: string): string {
  if (!BUCKET_NAME.test(bucket)) {
    throw new InvalidStoragePath(
      bucket,
      'bad_bucket',
      'bucket names are 1-63 of a-z 0-9 _ . - (first a-z 0-9)',
    );
  }
  return bucket;
}

/** Checks the shape of an object path (no owner rule) and returns it unchanged. */
export function assertObjectPath(path: string): string {
  if (path.length === 0) throw new InvalidStoragePath(path, 'empty', 'path is empty');
  if (path.length > MAX_OBJECT_PATH_LENGTH) {
    throw new InvalidStoragePath(path, 'too_long', `longer than ${MAX_OBJECT_PATH_LENGTH} characters`);
  }
  if (CONTROL.test(path))
    throw new InvalidStoragePath(path, 'nul_or_control', 'contains NUL or a control character');
  if (path.includes('\\')) throw new InvalidStoragePath(path, 'backslash', 'contains a backslash');
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) {
    throw new InvalidStoragePath(path, 'absolute', 'absolute paths are not object paths');
  }
  for (const segment of path.split('/')) {
    if (segment === '')
      throw new InvalidStoragePath(path, 'empty_segment', 'has an empty segment (// or a trailing /)');
    if (segment === '.' || segment === '..') {
      throw new InvalidStoragePath(path, 'dot_segment', `has a "${segment}" segment`);
    }
    if (!SEGMENT.test(segment)) {
      throw new InvalidStoragePath(
        path,
        'bad_character',
        `segment ${JSON.stringify(segment)} has a character outside A-Z a-z 0-9 _ space ! - . * ' ( ) & $ @ = ; : + ,`,
      );
    }
  }
  return path;
}

/**
 * Checks a plain file name, one path segment a caller may choose inside a folder the server chose
 * (`<userId>/<taskId>/<filename>`): no `/`, not made of dots only (`.`, `..`, `...` name no file
 * and some stores collapse them), and every rule of `assertObjectPath`.
 */
export function assertFileName(name: string): string {
  if (name.includes('/'))
    throw new InvalidStoragePath(name, 'not_a_file_name', 'is not a plain file name (has a "/")');
  if (/^\.+$/.test(name)) throw new InvalidStoragePath(name, 'not_a_file_name', 'is only dots');
  return assertObjectPath(name);
}

/** Checks an owner id: one path segment shaped like a user id. */
export function assertOwnerId(userId: string): string {
  if (!looksLikeOwnerId(userId)) throw new InvalidStoragePath(userId, 'bad_owner', 'owner id must be a UUID');
  return userId.toLowerCase();
}

/**
 * Checks that `path` is a valid object path inside `userId`'s folder and returns it. Another user's
 * folder is `foreign_owner`; a path outside any user's folder is `missing_owner`.
 */
export function assertOwnedPath(userId: string, path: string): string {
  const owner = assertOwnerId(userId);
  assertObjectPath(path);
  const [first, ...rest] = path.split('/');
  if (first?.toLowerCase() !== owner) {
    if (first && looksLikeOwnerId(first)) {
      throw new InvalidStoragePath(path, 'foreign_owner', "is inside another user's folder");
    }
    throw new InvalidStoragePath(path, 'missing_owner', `must start with the owner's folder "${owner}/"`);
  }
  if (rest.length === 0)
    throw new InvalidStoragePath(path, 'empty', "names the owner's folder, not an object");
  return [owner, ...rest].join('/');
}

/**
 * Checks a path as both backends store it: valid, and inside some user's folder. Storage itself does
 * not know who asks; callers that do use `assertOwnedPath` for the stricter "this user's" check.
 */
export function assertOwnerPrefixedPath(path: string): string {
  assertObjectPath(path);
  const [first, ...rest] = path.split('/');
  if (!first || !looksLikeOwnerId(first)) {
    throw new InvalidStoragePath(path, 'missing_owner', "must start with its owner's folder (<userId>/)");
  }
  if (rest.length === 0)
    throw new InvalidStoragePath(path, 'empty', "names the owner's folder, not an object");
  return path;
}

/**
 * Builds `<userId>/<parts...>` (parts may hold `/`) and checks the result, so callers never glue
 * paths by hand: `ownerPath(userId, 'tasks', taskId, filename)`.
 */
export function ownerPath(userId: string, ...parts: string[]): string {
  const owner = assertOwnerId(userId);
  return assertOwnedPath(owner, [owner, ...parts].join('/'));
}
