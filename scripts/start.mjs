/**
 * `pnpm start`: the whole stack on this machine (queue-api with the callback service, both
 * workers), long-running, logs interleaved, until Ctrl-C.
 */
import { startStack } from './lib/stack.mjs';

const stack = await startStack({ echo: true });
console.log(
  `\ngpuq running: ${stack.apiUrl}  (docs ${stack.apiUrl}/docs, Bull Board ${stack.apiUrl}/admin/queues)`,
);
if (!process.env.SUPABASE_JWT_SECRET) {
  console.log(
    `development JWT secret for this run (sign user tokens with it): ${stack.secrets.SUPABASE_JWT_SECRET}`,
  );
  console.log(`development service-role key for this run: ${stack.secrets.SUPABASE_SERVICE_ROLE_KEY}`);
}
const shutdown = async () => {
  await stack.stop();
  process.exit(0);
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
for (const child of stack.processes) {
  void child.exited.then((code) => {
    if (code !== 0 && code !== 'SIGTERM') console.error(`${child.name} exited (${code})`);
  });
}
