/** Argument checks both engines use; each names the argument and what it expected. */
import { EngineError } from './engine-error.js';

/** Throws the wrapper's own validation error ("expected X for Y, got Z"). */
export function invalidArgument(message: string): never {
  throw new EngineError('GPUQ_INVALID_ARGUMENT', message);
}

export function checkPositiveInt(value: unknown, what: string, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > max) {
    invalidArgument(`expected an integer in [1, ${max}] for ${what}, got ${String(value)}`);
  }
  return value as number;
}

export function checkPair(value: unknown, what: string): [number, number] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length !== 2 || !value.every((v) => Number.isInteger(v) && v >= 0)) {
    invalidArgument(`expected two non-negative integers for ${what}, got ${JSON.stringify(value)}`);
  }
  return [value[0], value[1]];
}

export function toIds(value: Int32Array | readonly number[], what: string, length: number): Int32Array {
  const ids = value instanceof Int32Array ? value : Int32Array.from(value);
  if (ids.length !== length) invalidArgument(`expected ${length} token ids for ${what}, got ${ids.length}`);
  if (Array.isArray(value) && !value.every((v) => Number.isInteger(v) && v >= 0)) {
    invalidArgument(`expected non-negative integer token ids for ${what}`);
  }
  return ids;
}
