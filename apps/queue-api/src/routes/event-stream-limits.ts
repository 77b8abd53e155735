/**
 * How many event streams each user holds open on this api instance. A stream takes a slot when
 * it opens and gives it back when it ends, however it ends.
 */
export class StreamSlots {
  private readonly open = new Map<string, number>();

  constructor(readonly maxPerHolder: number) {}

  /** A release function, or null when the holder already has every slot. */
  take(holder: string): (() => void) | null {
    const held = this.open.get(holder) ?? 0;
    if (held >= this.maxPerHolder) return null;
    this.open.set(holder, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(holder) ?? 1) - 1;
      if (left > 0) this.open.set(holder, left);
      else this.open.delete(holder);
    };
  }
}
