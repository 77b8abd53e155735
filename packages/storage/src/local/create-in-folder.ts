/**
 * Runs a file-system call that creates an entry in `folder` (open of a new file, link, rename) and,
 * only when it fails with ENOENT, makes the folder and runs it once more: a recursive mkdir before
 * every call would be one more thread-pool round trip each time the folder is there. A caller that
 * knows the folder is most likely new (`folderFirst`: a job's first output) has it made first
 * instead, saving the failed try. ENOENT can also mean the call's source is missing: then the call
 * fails even with the folder there, the folders this call made are removed again (a move of a
 * missing object leaves no empty folder behind), and its error is thrown.
 */
import { mkdir, rmdir } from 'node:fs/promises';
import { dirname, relative } from 'node:path';

export interface CreatedInFolder<T> {
  value: T;
  /**
   * Whether this call made the folder: it was empty a moment ago, so nothing from an earlier object
   * can be beside the new entry. False when the folder was there (or another call made it first).
   */
  madeFolder: boolean;
}

export async function createInFolder<T>(
  folder: string,
  create: () => Promise<T>,
  options: { folderFirst?: boolean } = {},
): Promise<CreatedInFolder<T>> {
  if (options.folderFirst) return createAfterMkdir(folder, create);
  try {
    return { value: await create(), madeFolder: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return createAfterMkdir(folder, create);
  }
}

async function createAfterMkdir<T>(folder: string, create: () => Promise<T>): Promise<CreatedInFolder<T>> {
  // mkdir answers the first folder it made, undefined when all of them were there already.
  const made = await mkdir(folder, { recursive: true });
  try {
    return { value: await create(), madeFolder: made !== undefined };
  } catch (error) {
    if (made !== undefined) await removeEmptyFolders(folder, made);
    throw error;
  }
}

/**
 * Removes `folder` and its parents up to and including `top`, deepest first, while they are empty.
 * One at a time and never recursively: a concurrent call may have put an entry in one of them
 * meanwhile, and that folder (with everything above it) stays.
 */
async function removeEmptyFolders(folder: string, top: string): Promise<void> {
  for (let current = folder; ; current = dirname(current)) {
    const removed = await rmdir(current).then(
      () => true,
      () => false,
    );
    if (!removed || current === top || relative(top, current).startsWith('..')) return;
  }
}
