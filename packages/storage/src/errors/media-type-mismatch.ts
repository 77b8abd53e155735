/** An upload whose bytes are not the media type it was declared as (an SVG sent as `image/png`). */
export class MediaTypeMismatch extends Error {
  override readonly name = 'MediaTypeMismatch';

  constructor(
    readonly declared: string,
    readonly sniffed: string | undefined,
  ) {
    super(
      `the content is ${sniffed ?? 'not a known image or video'}, not the ${declared.slice(0, 100)} it was declared as`,
    );
  }
}
