/**
 * A bucket or object path that the path rules refuse. Thrown before any I/O, so a worker or client
 * that reports `../../etc/passwd` or another user's folder never reaches the disk or the network.
 */
export type InvalidStoragePathReason =
  | 'empty'
  | 'too_long'
  | 'absolute'
  | 'backslash'
  | 'nul_or_control'
  | 'empty_segment'
  | 'dot_segment'
  | 'bad_character'
  | 'reserved_name'
  | 'not_a_file_name'
  | 'bad_bucket'
  | 'bad_owner'
  | 'missing_owner'
  | 'foreign_owner'
  | 'foreign_url';

export class InvalidStoragePath extends Error {
  override readonly name = 'InvalidStoragePath';

  /** The refused input, cut to 200 characters so a hostile value cannot flood the logs. */
  readonly path: string;

  constructor(
    path: string,
    readonly reason: InvalidStoragePathReason,
    message: string,
    options?: ErrorOptions,
  ) {
    const shown = path.slice(0, 200);
    super(`invalid storage path ${JSON.stringify(shown)}: ${message}`, options);
    this.path = shown;
  }
}
