#!/usr/bin/env node
import { isUuid } from '@gpuq/job-types';
/**
 * `pnpm admin:grant <user-id>`: makes a user an admin (creating their profile if it does not exist
 * yet). Migrates first, so it also works on a fresh embedded database.
 */
import { openDatabase } from '../database/open-database.js';
import { migrate } from '../migrate/migrator.js';
import { grantAdmin } from '../profiles/profiles.js';
import { describeTarget, parseCliEnv } from './cli-env.js';

async function main(): Promise<void> {
  const userId = process.argv[2];
  if (!userId || !isUuid(userId)) {
    console.error('usage: admin:grant <user-id>   (the user id is the uuid in the JWT `sub` claim)');
    process.exitCode = 2;
    return;
  }
  const env = parseCliEnv(process.env);
  const db = await openDatabase({ url: env.DATABASE_URL, dataDir: env.GPUQ_DATA_DIR, poolSize: 1 });
  try {
    await migrate(db);
    const profile = await grantAdmin(db, { userId, signupCredits: env.GPUQ_SIGNUP_CREDITS });
    process.stdout.write(
      `${profile.id} is now an admin (${describeTarget(env)}; ${profile.credits} credits)\n`,
    );
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(`admin:grant failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
