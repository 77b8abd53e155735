/**
 * Runs one lookup for many keys: keys that arrive while a lookup is in flight wait for it and then
 * go together in the next one. Idle, a key is looked up at once; under load the statements per key
 * fall (the dependency dispatcher: one dependants query per completion would be a Postgres round
 * trip per job).
 */
export type CoalescedLookup = (key: string) => void;

/** A failed lookup goes to `onError`; the keys that arrived meanwhile are still looked up. */
export function coalescedLookup(
  lookup: (keys: string[]) => Promise<unknown>,
  onError: (error: unknown) => void,
): CoalescedLookup {
  const pending = new Set<string>();
  let running = false;
  async function drain(): Promise<void> {
    running = true;
    try {
      while (pending.size > 0) {
        const keys = [...pending];
        pending.clear();
        await lookup(keys).catch(onError);
      }
    } finally {
      running = false;
    }
  }
  return (key) => {
    pending.add(key);
    if (!running) void drain();
  };
}
