/**
 * Where a local object's content type is kept: in its name (`guessContentType`) unless a small JSON
 * file beside it, `<file>.gpuq-meta.json` holding `{ contentType }`, says otherwise. Only an object
 * whose type differs from what its name says gets one, so storing a typical output (`out.png` as
 * image/png) is one atomic write, not two. Objects stored when every object had a meta file keep
 * working: a meta file that exists always wins over the name.
 */
import { readFile, unlink } from 'node:fs/promises';
import { guessContentType } from '../content-type.js';
import { linkFileAtomic, writeFileAtomic } from './atomic-write.js';
import { isMissing } from './is-missing.js';

/** The meta file's suffix; object names ending with it are refused. */
export const META_SUFFIX = '.gpuq-meta.json';

interface MetaFile {
  contentType: string;
}

export async function readContentType(file: string): Promise<string> {
  try {
    const meta = JSON.parse(await readFile(file + META_SUFFIX, 'utf8')) as Partial<MetaFile>;
    if (typeof meta.contentType === 'string') return meta.contentType;
  } catch {
    // No meta file (the name says the type), or a broken one (a crash mid-write): the name decides.
  }
  return guessContentType(file);
}

export interface KeepContentTypeOptions {
  /**
   * The object's folder was made just now, so no meta file of an earlier object can be there and
   * none is removed (one file-system call less).
   */
  madeFolder?: boolean;
  /** A file whose meta file may be linked rather than written (a move's source): no bytes flushed. */
  linkFrom?: string;
}

/**
 * Makes `file`'s stored type `contentType`, after its data has been written: a meta file when the
 * name says another type, else none. A meta file left by an earlier object under the same name is
 * replaced or removed, so an overwrite never keeps the old object's type.
 */
export async function keepContentType(
  file: string,
  contentType: string,
  options: KeepContentTypeOptions = {},
): Promise<void> {
  const metaFile = file + META_SUFFIX;
  if (contentType === guessContentType(file)) {
    if (!options.madeFolder) await removeMetaFile(file);
    return;
  }
  if (options.linkFrom && (await linkFileAtomic(options.linkFrom + META_SUFFIX, metaFile))) return;
  const meta: MetaFile = { contentType };
  await writeFileAtomic(metaFile, Buffer.from(JSON.stringify(meta)));
}

/** Removes `file`'s meta file; none there is fine. `unlink`, not `rm`: rm reads the file's type first. */
export async function removeMetaFile(file: string): Promise<void> {
  await unlink(file + META_SUFFIX).catch((error: unknown) => {
    if (!isMissing(error)) throw error;
  });
}
