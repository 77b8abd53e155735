#!/usr/bin/env node
/**
 * `pnpm task-types list` and `pnpm task-types add <name> ...`: the task types create-task accepts
 * beyond gpuq's built-ins, kept in the task_types table. Adding a type is data, not a migration:
 * once added, create-task takes it, reserves its price and leaves it for pull-workers to claim.
 * Migrates first, so it also works on a fresh embedded database.
 */
import { parseArgs } from 'node:util';
import { isJobType, NewTaskType, registeredTaskCredits, type TaskTypeRecord } from '@gpuq/job-types';
import { openDatabase } from '../database/open-database.js';
import { migrate } from '../migrate/migrator.js';
import { addTaskType, listTaskTypes } from '../task-types/task-types.js';
import { describeTarget, parseCliEnv } from './cli-env.js';

const USAGE = `usage:
  task-types list
  task-types add <name> --category generation|processing|orchestration|utility
      [--run-type gpu|api] [--display-name TEXT] [--description TEXT] [--content-type image|video]
      [--billing per_unit|per_second] [--unit-cost CREDITS] [--cost-per-second CREDITS]
      [--reserve-seconds N] [--inactive] [--source TEXT]
  A per_unit task reserves ceil(unit cost) credits; a per_second task
  ceil(cost per second x reserve seconds). Added types are claimed by pull-workers over HTTP.`;

class UsageError extends Error {}

const OPTIONS = {
  'run-type': { type: 'string', default: 'gpu' },
  category: { type: 'string' },
  'display-name': { type: 'string' },
  description: { type: 'string' },
  'content-type': { type: 'string' },
  billing: { type: 'string', default: 'per_unit' },
  'unit-cost': { type: 'string', default: '0' },
  'cost-per-second': { type: 'string', default: '0' },
  'reserve-seconds': { type: 'string', default: '0' },
  inactive: { type: 'boolean', default: false },
  source: { type: 'string', default: 'admin' },
} as const;

/** A number option as written; zod's record schema then holds it to its bounds. */
const numberOption = (name: string, text: string): number => {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value))
    throw new UsageError(`--${name}: ${text} is not a number`);
  return value;
};

function newTaskType(args: string[]): NewTaskType {
  const { values, positionals } = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  const [name, ...extra] = positionals;
  if (!name || extra.length > 0) throw new UsageError('add takes exactly one task type name');
  if (isJobType(name))
    throw new UsageError(`${name} is a queue-job type (POST /functions/v1/queue-job), not a task type`);
  if (!values.category) throw new UsageError('--category is required');
  const input = {
    name,
    runType: values['run-type'],
    category: values.category,
    contentType: values['content-type'] ?? null,
    displayName: values['display-name'] ?? name,
    description: values.description ?? null,
    billingType: values.billing,
    unitCost: numberOption('unit-cost', values['unit-cost']),
    baseCostPerSecond: numberOption('cost-per-second', values['cost-per-second']),
    reserveSeconds: numberOption('reserve-seconds', values['reserve-seconds']),
    isActive: !values.inactive,
    source: values.source,
  };
  const checked = NewTaskType.safeParse(input);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new UsageError(`${issue.path.join('.') || 'input'}: ${issue.message}`);
  }
  return checked.data;
}

function describe(record: TaskTypeRecord): string {
  const runs = record.fleetQueue ?? (record.name === 'travel_orchestrator' ? 'expanded' : 'pull-workers');
  const price = record.builtIn ? 'by work' : `${registeredTaskCredits(record)} credits`;
  const state = record.isActive ? '' : ' (disabled)';
  return `${record.name.padEnd(28)} ${record.runType.padEnd(4)} ${record.category.padEnd(14)} ${record.billingType.padEnd(11)} ${price.padEnd(12)} ${runs.padEnd(13)} ${record.source}${state}`;
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  if (command !== 'list' && command !== 'add') throw new UsageError(`unknown command ${command ?? '(none)'}`);
  const input = command === 'add' ? newTaskType(rest) : null;
  const env = parseCliEnv(process.env);
  const db = await openDatabase({ url: env.DATABASE_URL, dataDir: env.GPUQ_DATA_DIR, poolSize: 1 });
  try {
    await migrate(db);
    if (input) {
      const added = await addTaskType(db, input);
      process.stdout.write(
        `added ${added.name}: ${registeredTaskCredits(added)} credits per task, claimed by ${added.runType} pull-workers (${describeTarget(env)})\n`,
      );
      return;
    }
    const header = [
      'name'.padEnd(28),
      'run ',
      'category'.padEnd(14),
      'billing'.padEnd(11),
      'reserves'.padEnd(12),
      'runs on'.padEnd(13),
      'source',
    ];
    process.stdout.write(`${header.join(' ')}\n`);
    for (const record of await listTaskTypes(db)) process.stdout.write(`${describe(record)}\n`);
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError || (error instanceof TypeError && 'code' in error)) {
    console.error(`task-types: ${error.message}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  console.error(`task-types failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
