/**
 * A Storage method that a worker's api-backed storage does not offer: a job's credential lets it
 * write its own outputs and read its owner's files, never delete, publish or hand out URLs.
 */
export class NotAvailableOnWorker extends Error {
  override readonly name = 'NotAvailableOnWorker';

  constructor(readonly operation: string) {
    super(
      `storage.${operation} is not available on a worker (WORKER_STORAGE=api): a job may only put ` +
        "its own outputs and read its owner's files",
    );
  }
}
