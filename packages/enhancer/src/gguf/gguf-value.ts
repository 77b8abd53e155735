/**
 * Typed GGUF metadata values. JavaScript numbers do not say whether a value is a u32, an i32 or an
 * f32, and llama.cpp rejects a key stored with the wrong type, so every value names its type.
 */

/** The on-disk type tags of the GGUF spec (version 3). */
export const GgufType = {
  uint8: 0,
  int8: 1,
  uint16: 2,
  int16: 3,
  uint32: 4,
  int32: 5,
  float32: 6,
  bool: 7,
  string: 8,
  array: 9,
  uint64: 10,
  int64: 11,
  float64: 12,
} as const;

export type GgufScalarType = 'uint32' | 'int32' | 'float32' | 'bool' | 'string' | 'uint64';

export type GgufScalar =
  | { type: 'uint32' | 'int32' | 'float32'; value: number }
  | { type: 'uint64'; value: bigint }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string };

export type GgufArray =
  | { type: 'array'; itemType: 'string'; values: readonly string[] }
  | { type: 'array'; itemType: 'uint32' | 'int32' | 'float32'; values: readonly number[] };

export type GgufValue = GgufScalar | GgufArray;

/** Short constructors so metadata tables read like the spec's key lists. */
export const gguf = {
  u32: (value: number): GgufValue => ({ type: 'uint32', value }),
  i32: (value: number): GgufValue => ({ type: 'int32', value }),
  f32: (value: number): GgufValue => ({ type: 'float32', value }),
  u64: (value: bigint): GgufValue => ({ type: 'uint64', value }),
  bool: (value: boolean): GgufValue => ({ type: 'bool', value }),
  str: (value: string): GgufValue => ({ type: 'string', value }),
  strings: (values: readonly string[]): GgufValue => ({ type: 'array', itemType: 'string', values }),
  f32s: (values: readonly number[]): GgufValue => ({ type: 'array', itemType: 'float32', values }),
  i32s: (values: readonly number[]): GgufValue => ({ type: 'array', itemType: 'int32', values }),
};
