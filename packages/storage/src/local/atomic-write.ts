/**
 * Writes a file so that readers see the old content or the new, never a part: the bytes go to a temp
 * file in the same folder (same filesystem, so rename is atomic), are flushed, and the temp file is
 * renamed over the target. A failure or a size overrun removes the temp file.
 */
import { randomUUID } from 'node:crypto';
import { link, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ObjectTooLarge } from '../errors/object-too-large.js';
import type { PutOptions } from '../storage.js';
import { createInFolder } from './create-in-folder.js';

/** Temp files end with this; the local store refuses object names that do, so none can collide. */
export const TEMP_SUFFIX = '.gpuq-tmp';

export interface WrittenFile {
  size: number;
  /** Whether the write made the target's folder (see `CreatedInFolder.madeFolder`). */
  madeFolder: boolean;
}

export async function writeFileAtomic(
  target: string,
  source: Uint8Array | AsyncIterable<Uint8Array>,
  options: PutOptions = {},
): Promise<WrittenFile> {
  const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
  const folder = dirname(target);
  const temp = tempName(target);
  const { value: handle, madeFolder } = await createInFolder(folder, () => open(temp, 'wx'), {
    folderFirst: options.newFolder,
  });
  let size = 0;
  try {
    const chunks = source instanceof Uint8Array ? [source] : source;
    for await (const chunk of chunks) {
      size += chunk.byteLength;
      if (size > maxBytes) throw new ObjectTooLarge(maxBytes);
      await handle.write(chunk);
    }
    // Flush before the rename: otherwise a crash could leave the new name pointing at missing data.
    await handle.sync();
    await handle.close();
    await rename(temp, target);
    return { size, madeFolder };
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Gives `source`'s file a second name `target`, replacing what is there in one step (a hard link
 * under a temp name, renamed over the target). The bytes were flushed when `source` was written,
 * so nothing is written or flushed again. The target's folder must exist (a move links after its
 * data file's rename made it). False when the filesystem refuses hard links or `source` is
 * missing: the caller writes the file instead.
 */
export async function linkFileAtomic(source: string, target: string): Promise<boolean> {
  const temp = tempName(target);
  const linked = await link(source, temp).then(
    () => true,
    () => false,
  );
  if (!linked) return false;
  try {
    await rename(temp, target);
    return true;
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

function tempName(target: string): string {
  return join(dirname(target), `.${basename(target)}.${randomUUID()}${TEMP_SUFFIX}`);
}
