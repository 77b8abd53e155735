/** An upload went past its byte limit; nothing was stored (the partial temp file is removed). */
export class ObjectTooLarge extends Error {
  override readonly name = 'ObjectTooLarge';

  constructor(readonly limitBytes: number) {
    super(`object is larger than the limit of ${limitBytes} bytes`);
  }
}
