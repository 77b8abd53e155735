/**
 * What storing and promoting one output costs the local backend in file-system calls, and how fast
 * it goes: the worker's `put` of a 70-byte PNG into a new task folder (and into one that exists),
 * the api's `stat` check of the staged file and its `move` into the job's bucket.
 *
 * Run after `pnpm build`: `node bench/fs-calls.mjs [distDir ...]`. Each dist folder (default
 * `dist`; pass a copy of an older build to compare) is counted, then timed in alternating rounds
 * so that load on the machine hits all of them alike (`ROUNDS=1` for a quick look). The counts are
 * the async calls the code makes, each one a libuv thread-pool round trip, except `readFile`: one
 * call but four round trips when the file is there, one when it is not (it is labelled which).
 * `--loop put|move N distDir` runs only N puts (then N stat + move), for `strace -f -c` to count the
 * system calls themselves: run it with N and with 0 and take the difference.
 */
import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// A 1x1 PNG, 70 bytes: the size of the smallest real output.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const USER = '0b5c6a3e-8f2d-4c1a-9e7b-1d2f3a4b5c6d';
const PUTS = 2000;
const ROUNDS = Number(process.env.ROUNDS ?? 3);

const calls = new Map();
const count = (name) => calls.set(name, (calls.get(name) ?? 0) + 1);
function wrap(target, name, label = name) {
  const original = target[name];
  target[name] = function counted(...args) {
    count(label);
    return original.apply(this, args);
  };
}

async function storageOf(dist) {
  const { LocalFileStorage } = await import(join(resolve(dist), 'local/local-file-storage.js'));
  const rootDir = await fsp.mkdtemp(join(tmpdir(), 'gpuq-fs-calls-'));
  return new LocalFileStorage({ rootDir, baseUrl: 'http://127.0.0.1:1/storage/v1' });
}

/** Calls per operation, averaged over `n` operations. */
async function callsPer(n, run) {
  calls.clear();
  for (let i = 0; i < n; i++) await run(i);
  const total = [...calls.values()].reduce((sum, value) => sum + value, 0);
  const each = [...calls].map(([name, value]) => `${name} ${+(value / n).toFixed(2)}`).join(', ');
  return `${+(total / n).toFixed(2)} (${each})`;
}

// As a worker stores a job's first output and the api promotes it: each into a new task folder,
// said so with the new-folder hint (a build from before the hint ignores it).
const putLoop = (storage, tag) => (i) =>
  storage.put('staging', `${USER}/${tag}-${i}/out.png`, PNG, 'image/png', { newFolder: true });
const moveLoop = (storage, tag) => async (i) => {
  const path = `${USER}/${tag}-${i}/out.png`;
  const source = await storage.stat('staging', path);
  await storage.move('staging', path, 'image_fast', path, { source, newFolder: true });
};

async function countCalls(dist) {
  const storage = await storageOf(dist);
  const n = 200;
  const path = (i, name) => `${USER}/c-${i}/${name}`;
  const hinted = (i) => `${USER}/h-${i}/out.png`;
  const moveGivenStat = (name) => (i) =>
    storage.move('staging', path(i, name), 'image_fast', path(i, name), {
      source: { bucket: 'staging', path: path(i, name), size: PNG.length, contentType: 'image/png' },
    });
  const counts = {
    'put, new folder': await callsPer(n, (i) => storage.put('staging', path(i, 'out.png'), PNG, 'image/png')),
    'put, new folder, hinted': await callsPer(n, (i) =>
      storage.put('staging', hinted(i), PNG, 'image/png', { newFolder: true }),
    ),
    'put, folder there': await callsPer(n, (i) =>
      storage.put('staging', path(i, 'poster.png'), PNG, 'image/png'),
    ),
    'stat (the check)': await callsPer(n, (i) => storage.stat('staging', path(i, 'out.png'))),
    'move given its stat, new folder': await callsPer(n, moveGivenStat('out.png')),
    'move given its stat, new folder, hinted': await callsPer(n, (i) =>
      storage.move('staging', hinted(i), 'image_fast', hinted(i), {
        source: { bucket: 'staging', path: hinted(i), size: PNG.length, contentType: 'image/png' },
        newFolder: true,
      }),
    ),
    'move given its stat, folder there': await callsPer(n, moveGivenStat('poster.png')),
  };
  await fsp.rm(storage.rootDir, { recursive: true, force: true });
  return counts;
}

async function timed(n, run) {
  const started = performance.now();
  for (let i = 0; i < n; i++) await run(i);
  return n / ((performance.now() - started) / 1000);
}

const args = process.argv.slice(2);
if (args[0] === '--loop') {
  const [, op, n, dist] = args;
  const storage = await storageOf(dist);
  const put = putLoop(storage, 'l');
  for (let i = 0; i < Number(n); i++) await put(i);
  if (op === 'move') {
    const move = moveLoop(storage, 'l');
    for (let i = 0; i < Number(n); i++) await move(i);
  }
  await fsp.rm(storage.rootDir, { recursive: true, force: true });
  process.exit(0);
}

const WRAPPED = ['rename', 'link', 'unlink', 'mkdir', 'stat', 'lstat', 'rm', 'writeFile'];
for (const name of WRAPPED) wrap(fsp, name);
const { open, readFile } = fsp;
// A FileHandle's close is a field of each handle, not a method of its class.
fsp.open = async (...args) => {
  count('open');
  const handle = await open(...args);
  wrap(handle, 'close', 'handle.close');
  return handle;
};
// One call to the caller, but several round trips when the file is there.
fsp.readFile = (...args) =>
  readFile(...args).then(
    (content) => {
      count('readFile (found: open, fstat, read, close)');
      return content;
    },
    (error) => {
      count('readFile (missing: open)');
      throw error;
    },
  );
syncBuiltinESMExports();
const probe = await open(new URL(import.meta.url), 'r');
const handleMethods = Object.getPrototypeOf(probe);
await probe.close();
for (const name of ['write', 'sync', 'read', 'stat']) wrap(handleMethods, name, `handle.${name}`);

const dists = args.length > 0 ? args : ['dist'];
for (const dist of dists) {
  console.log(`\n${dist}: async fs calls per operation`);
  for (const [operation, result] of Object.entries(await countCalls(dist)))
    console.log(`  ${operation}: ${result}`);
}

const rates = new Map(dists.map((dist) => [dist, { put: [], promote: [] }]));
for (let round = 0; round < ROUNDS; round++) {
  for (const dist of round % 2 === 0 ? dists : [...dists].reverse()) {
    const storage = await storageOf(dist);
    rates.get(dist).put.push(await timed(PUTS, putLoop(storage, `r${round}`)));
    rates.get(dist).promote.push(await timed(PUTS, moveLoop(storage, `r${round}`)));
    await fsp.rm(storage.rootDir, { recursive: true, force: true });
  }
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(`\n${PUTS} operations a run, ${ROUNDS} alternating rounds; per second, median (each run)`);
for (const [dist, { put, promote }] of rates) {
  const show = (values) => `${median(values).toFixed(0)} (${values.map((v) => v.toFixed(0)).join(', ')})`;
  console.log(`  ${dist}: put ${show(put)}; stat + move ${show(promote)}`);
}
