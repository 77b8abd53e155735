/**
 * The storage backend failed for a reason other than a missing object: Supabase answered with an
 * error, the network broke, the disk is full. `status` is the backend's HTTP status when it had one,
 * so a caller can tell a transient 5xx (retry) from a 4xx (do not).
 */
export class StorageBackendError extends Error {
  override readonly name = 'StorageBackendError';

  constructor(
    readonly operation: string,
    message: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(`storage ${operation} failed: ${message}`, options);
  }
}
