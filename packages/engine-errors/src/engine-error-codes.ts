/**
 * Every error code of the engine, listed once. The C++ core throws them (its ErrorCode enum and
 * names are generated from this list into core/src/util/error_codes.inc), the N-API binding
 * copies the name onto the JS Error as `code`, the TS wrapper validates with them, and the worker
 * runtime decides from `onJob` how a job that hit one ends.
 *
 * Adding a code: add an entry here, then `pnpm --filter @gpuq/engine-errors generate` (a test
 * fails while the generated C++ file is out of date).
 */

/**
 * How a job that failed with the code ends:
 * - `fail`: for good (the same job on the same card would fail again; the worker stays up);
 * - `retry`: BullMQ may retry it (the failure may be transient);
 * - `restart`: the device context is unusable: the job goes back and the worker process exits.
 */
export type EngineFailureOutcome = 'fail' | 'retry' | 'restart';

export interface EngineErrorCodeEntry {
  /** The stable string form, as `err.code` in JS. */
  readonly code: string;
  /** The C++ enumerator (`gpuq::ErrorCode::<name>`); null for codes only the TS wrapper raises. */
  readonly cppName: string | null;
  readonly meaning: string;
  readonly onJob: EngineFailureOutcome;
}

export const ENGINE_ERROR_CODE_LIST = [
  {
    code: 'GPUQ_INVALID_ARGUMENT',
    cppName: 'InvalidArgument',
    meaning: 'a caller passed a bad shape, value or option',
    onJob: 'fail',
  },
  {
    code: 'GPUQ_NOT_FOUND',
    cppName: 'NotFound',
    meaning: 'a file, tensor or config key is missing',
    onJob: 'fail',
  },
  {
    code: 'GPUQ_BAD_FORMAT',
    cppName: 'BadFormat',
    meaning: 'a file exists but cannot be parsed (JSON, safetensors, vocab)',
    onJob: 'fail',
  },
  {
    code: 'GPUQ_UNSUPPORTED',
    cppName: 'Unsupported',
    meaning: 'a config asks for something this engine does not implement',
    onJob: 'fail',
  },
  {
    code: 'GPUQ_CANCELLED',
    cppName: 'Cancelled',
    meaning: "the caller's cancel flag was seen between steps",
    onJob: 'retry',
  },
  {
    code: 'GPUQ_OUT_OF_MEMORY',
    cppName: 'OutOfMemory',
    meaning: 'an allocation failed (on CUDA: the message says how much was asked and how much is free)',
    onJob: 'fail',
  },
  {
    code: 'GPUQ_DEVICE_LOST',
    cppName: 'DeviceLost',
    meaning:
      'a sticky GPU error (illegal address, ECC, launch failure): the context is unusable, so the worker hands the job back and exits; another process retries it',
    onJob: 'restart',
  },
  {
    code: 'GPUQ_INTERNAL',
    cppName: 'Internal',
    meaning: 'a bug: an invariant did not hold',
    onJob: 'retry',
  },
  {
    code: 'GPUQ_ADDON_LOAD',
    cppName: null,
    meaning: 'the native addon could not be loaded (raised by the TS wrapper)',
    onJob: 'retry',
  },
] as const satisfies readonly EngineErrorCodeEntry[];

export type EngineErrorCode = (typeof ENGINE_ERROR_CODE_LIST)[number]['code'];

export const ENGINE_ERROR_CODES: readonly EngineErrorCode[] = ENGINE_ERROR_CODE_LIST.map(
  (entry) => entry.code,
);

export function isEngineErrorCode(value: unknown): value is EngineErrorCode {
  return typeof value === 'string' && (ENGINE_ERROR_CODES as readonly string[]).includes(value);
}

/** How a job that failed with `code` ends; null for a value that is no engine code. */
export function engineFailureOutcome(code: unknown): EngineFailureOutcome | null {
  return ENGINE_ERROR_CODE_LIST.find((entry) => entry.code === code)?.onJob ?? null;
}
