#!/usr/bin/env node
/**
 * `pnpm migrate`: applies the pending SQL migrations to DATABASE_URL, or to the embedded PGlite
 * under GPUQ_DATA_DIR when it is unset. Exits non-zero, naming the migration, when one fails.
 */
import { openDatabase } from '../database/open-database.js';
import { migrate } from '../migrate/migrator.js';
import { describeTarget, parseCliEnv } from './cli-env.js';

async function main(): Promise<void> {
  const env = parseCliEnv(process.env);
  const db = await openDatabase({ url: env.DATABASE_URL, dataDir: env.GPUQ_DATA_DIR, poolSize: 1 });
  try {
    process.stdout.write(`migrating ${describeTarget(env)}\n`);
    const report = await migrate(db, {
      onApplied: ({ version, name, ms }) =>
        process.stdout.write(`  applied ${version}_${name} (${Math.round(ms)} ms)\n`),
    });
    process.stdout.write(`${report.applied.length} applied, ${report.skipped.length} already applied\n`);
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(`migrate failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
