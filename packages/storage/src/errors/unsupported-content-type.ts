/** An upload whose `Content-Type` is not allowed, or not the one its signed URL was made for. */
export class UnsupportedContentType extends Error {
  override readonly name = 'UnsupportedContentType';

  constructor(
    readonly contentType: string,
    reason: string,
  ) {
    super(`content type ${JSON.stringify(contentType.slice(0, 100))} refused: ${reason}`);
  }
}
