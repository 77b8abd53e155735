import { describe, expect, it } from 'vitest';
import { coalescedLookup } from './coalesced-lookup.js';

describe('coalescedLookup', () => {
  it('looks a key up at once when idle and sends the keys that wait on a running lookup together', async () => {
    const calls: string[][] = [];
    let release: () => void = () => undefined;
    const lookup = coalescedLookup(
      (keys) => {
        calls.push(keys);
        return calls.length === 1 ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve();
      },
      () => undefined,
    );
    lookup('a');
    lookup('b');
    lookup('c');
    lookup('b');
    expect(calls).toEqual([['a']]);
    release();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(calls).toEqual([['a'], ['b', 'c']]);
  });

  it('reports a failed lookup and still looks up the keys that arrived meanwhile', async () => {
    const calls: string[][] = [];
    const errors: unknown[] = [];
    const lookup = coalescedLookup(
      async (keys) => {
        calls.push(keys);
        if (calls.length === 1) throw new Error('database unavailable');
      },
      (error) => errors.push(error),
    );
    lookup('a');
    lookup('b');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(calls).toEqual([['a'], ['b']]);
    expect(errors).toHaveLength(1);
  });
});
