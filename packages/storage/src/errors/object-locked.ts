/**
 * An upload to an object that may no longer change: its task has finished, so what it reported
 * (and what users were shown) stays what is stored. A still-valid upload URL does not reopen it.
 */
export class ObjectLocked extends Error {
  override readonly name = 'ObjectLocked';

  constructor(
    readonly bucket: string,
    readonly path: string,
    reason: string,
  ) {
    super(`${bucket}/${path.slice(0, 200)} can no longer be written: ${reason}`);
  }
}
