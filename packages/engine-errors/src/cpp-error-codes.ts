/**
 * The C++ side of the list: an X-macro file that core/src/util/error.h expands into the ErrorCode
 * enum and error.cpp into the code names, so the core cannot disagree with the TS list.
 */
import { ENGINE_ERROR_CODE_LIST } from './engine-error-codes.js';

/** Where the generated file lives, from the repository root. */
export const CPP_ERROR_CODES_PATH = 'packages/engine/core/src/util/error_codes.inc';

export function cppErrorCodesInclude(): string {
  const lines = [
    '// Generated from packages/engine-errors/src/engine-error-codes.ts by',
    '// `pnpm --filter @gpuq/engine-errors generate`: edit the list there, not this file.',
    '// GPUQ_ERROR_CODE(enumerator, "CODE") // meaning',
  ];
  for (const entry of ENGINE_ERROR_CODE_LIST) {
    if (entry.cppName === null) continue;
    lines.push(`GPUQ_ERROR_CODE(${entry.cppName}, "${entry.code}")  // ${entry.meaning}`);
  }
  return `${lines.join('\n')}\n`;
}
