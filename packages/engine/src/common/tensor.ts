import { EngineError } from './engine-error.js';

/** A dense row-major fp32 tensor crossing the JS/native boundary (always copied). */
export interface TensorF32 {
  readonly data: Float32Array;
  readonly shape: readonly number[];
}

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Checks a tensor argument: a Float32Array whose length matches the shape (and `expected`). */
export function checkTensor(value: unknown, what: string, expected?: readonly (number | null)[]): TensorF32 {
  const t = value as Partial<TensorF32> | null;
  if (!t || !(t.data instanceof Float32Array) || !Array.isArray(t.shape)) {
    throw new EngineError('GPUQ_INVALID_ARGUMENT', `expected { data: Float32Array, shape } for ${what}`);
  }
  if (!t.shape.every((d) => Number.isInteger(d) && d >= 0) || t.data.length !== numel(t.shape)) {
    throw new EngineError(
      'GPUQ_INVALID_ARGUMENT',
      `${what}: ${t.data.length} values do not fill shape [${t.shape.join(', ')}]`,
    );
  }
  if (
    expected &&
    (expected.length !== t.shape.length || expected.some((d, i) => d !== null && d !== t.shape?.[i]))
  ) {
    const want = expected.map((d) => (d === null ? '*' : String(d))).join(', ');
    throw new EngineError(
      'GPUQ_INVALID_ARGUMENT',
      `expected shape [${want}] for ${what}, got [${t.shape.join(', ')}]`,
    );
  }
  return t as TensorF32;
}
