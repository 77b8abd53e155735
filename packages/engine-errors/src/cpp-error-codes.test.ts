import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CPP_ERROR_CODES_PATH, cppErrorCodesInclude } from './cpp-error-codes.js';
import { ENGINE_ERROR_CODE_LIST } from './engine-error-codes.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('the C++ error codes', () => {
  it('are generated from the list (run `pnpm --filter @gpuq/engine-errors generate` after changing it)', () => {
    expect(readFileSync(`${root}${CPP_ERROR_CODES_PATH}`, 'utf8')).toBe(cppErrorCodesInclude());
  });

  it('are the ones error.cpp names, read back from the C++ source', () => {
    // error.cpp expands the generated file; this reads what the core's names are made of.
    const generated = readFileSync(`${root}${CPP_ERROR_CODES_PATH}`, 'utf8');
    const names = [...generated.matchAll(/^GPUQ_ERROR_CODE\((\w+), "(\w+)"\)/gm)].map((m) => [m[1], m[2]]);
    const expected = ENGINE_ERROR_CODE_LIST.filter((entry) => entry.cppName !== null).map((entry) => [
      entry.cppName,
      entry.code,
    ]);
    expect(names).toEqual(expected);
    const errorCpp = readFileSync(`${root}packages/engine/core/src/util/error.cpp`, 'utf8');
    const errorH = readFileSync(`${root}packages/engine/core/src/util/error.h`, 'utf8');
    expect(errorCpp).toContain('#include "util/error_codes.inc"');
    expect(errorH).toContain('#include "util/error_codes.inc"');
  });
});
