/**
 * `pnpm drill`: every fault drill against one real stack, then a table of scenario, expected,
 * observed, lost and duplicated. Exits 1 if any row failed. `pnpm drill -- <name>...` runs only
 * the scenarios whose name contains one of the words given.
 */
import { Drill, type Row } from './drill.js';
import { manyUsers, racingCompletions } from './scenarios/load.js';
import { listenerRecovery, postgresBlackholed, postgresRefused } from './scenarios/postgres.js';
import { redisDownAtEnqueue, redisKilled, redisRestarted } from './scenarios/redis.js';
import { killMidJob, sigtermWithGrace, sigtermWithoutGrace } from './scenarios/workers.js';

const SCENARIOS: Array<[name: string, run: (drill: Drill) => Promise<Row>]> = [
  ['kill-9', killMidJob],
  ['redis-restart', redisRestarted],
  ['redis-kill', redisKilled],
  ['redis-down-at-enqueue', redisDownAtEnqueue],
  ['postgres-refused', postgresRefused],
  ['postgres-blackhole', postgresBlackholed],
  ['sigterm-grace', sigtermWithGrace],
  ['sigterm-no-grace', sigtermWithoutGrace],
  ['many-users', manyUsers],
  ['racing-completions', racingCompletions],
  ['listener-recovery', listenerRecovery],
];

function printTable(rows: readonly Row[]): void {
  const header = ['scenario', 'expected', 'observed', 'lost', 'dup', 'result'];
  const cells = rows.map((row) => [
    row.scenario,
    row.expected,
    row.observed,
    String(row.lost),
    String(row.duplicated),
    row.pass ? 'PASS' : 'FAIL',
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((line) => line[column]!.length)),
  );
  const line = (values: string[]) =>
    `| ${values.map((value, column) => value.padEnd(widths[column]!)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const row of cells) console.log(line(row));
}

async function main(): Promise<number> {
  const only = process.argv.slice(2).filter((arg) => arg !== '--');
  const chosen = SCENARIOS.filter(([name]) => only.length === 0 || only.some((word) => name.includes(word)));
  const started = Date.now();
  const drill = await Drill.start();
  const rows: Row[] = [];
  try {
    for (const [name, run] of chosen) {
      const at = Date.now();
      process.stderr.write(`drill: ${name}… `);
      const row = await run(drill).catch(
        (error: unknown): Row => ({
          scenario: name,
          expected: '(scenario finished)',
          observed: `error: ${(error as Error).message.split('\n')[0]}`,
          lost: 0,
          duplicated: 0,
          pass: false,
        }),
      );
      await drill.fleet.stopAll();
      // An outage scenario that failed half-way must not break the next one.
      await drill.proxy.restore().catch(() => undefined);
      process.stderr.write(`${row.pass ? 'pass' : 'FAIL'} (${Math.round((Date.now() - at) / 1000)} s)\n`);
      rows.push(row);
    }
  } finally {
    await drill.close().catch(() => undefined);
  }
  printTable(rows);
  const failed = rows.filter((row) => !row.pass).length;
  console.log(
    `\n${rows.length - failed}/${rows.length} drills passed in ${Math.round((Date.now() - started) / 1000)} s`,
  );
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
// Open handles (Redis reconnects, timers) must not keep a finished drill alive.
setTimeout(() => process.exit(process.exitCode), 1_000).unref();
