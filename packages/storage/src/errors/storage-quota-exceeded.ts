/** An upload that would take its owner past their storage quota; nothing was stored. */
export class StorageQuotaExceeded extends Error {
  override readonly name = 'StorageQuotaExceeded';

  constructor(
    readonly usedBytes: number,
    readonly quotaBytes: number,
  ) {
    super(
      `storage quota exceeded: ${usedBytes} of ${quotaBytes} bytes are used, and this upload does not fit in the rest`,
    );
  }
}
