/** The object does not exist (a 404 to HTTP clients, `false` from `exists`). */
export class StorageObjectNotFound extends Error {
  override readonly name = 'StorageObjectNotFound';

  constructor(
    readonly bucket: string,
    readonly path: string,
    options?: ErrorOptions,
  ) {
    super(`storage object not found: ${bucket}/${path}`, options);
  }
}
