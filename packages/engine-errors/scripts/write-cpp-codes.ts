/** Writes the C++ error-code list generated from the TS one (src/engine-error-codes.ts). */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CPP_ERROR_CODES_PATH, cppErrorCodesInclude } from '../src/cpp-error-codes.js';

const target = fileURLToPath(new URL(`../../../${CPP_ERROR_CODES_PATH}`, import.meta.url));
writeFileSync(target, cppErrorCodesInclude());
process.stdout.write(`wrote ${CPP_ERROR_CODES_PATH}\n`);
