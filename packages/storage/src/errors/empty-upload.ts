/** A PUT without bytes: no generated output is empty, so this is a broken client. */
export class EmptyUpload extends Error {
  override readonly name = 'EmptyUpload';

  constructor() {
    super('upload body is empty');
  }
}
