/**
 * Summarises V8 CPU profiles (`node --cpu-prof`) into where the time goes: self time by package
 * (a workspace package, an npm dependency, Node's own code, the garbage collector) and the
 * hottest functions. Self time of a node = the sample intervals that landed in it.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  children?: number[];
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  /** Sampled wall time, ms. */
  totalMs: number;
  /** Not idle. */
  busyMs: number;
  /** Self time by where the code lives, largest first, ms and share of busy time. */
  byPackage: { name: string; ms: number; share: number }[];
  /**
   * The same time charged to the nearest library or workspace package up the stack: a socket
   * write that pg started is pg's, not "native". Answers "which dependency costs what".
   */
  byOwner: { name: string; ms: number; share: number }[];
  topFunctions: { name: string; where: string; ms: number; share: number }[];
}

/** Where a frame's code lives: `@gpuq/queue`, `pg`, `node`, `(garbage collector)`… */
export function packageOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : 'native';
  if (url.startsWith('node:')) return 'node';
  const dependency = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (dependency) return dependency[1]!;
  const plain = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (plain) return plain[1]!;
  // The last packages/<name>/ or apps/<name>/ of the path: the checkout's own folder may be
  // called anything (even bench).
  const workspace = /\/(?:packages|apps)\/([^/]+)\/(?:dist|src)\/[^/]*(?:\/[^/]*)*$/.exec(url);
  if (workspace) return `@gpuq/${workspace[1]}`;
  if (/\/bench\/(?:dist|src)\//.test(url)) return '@gpuq/bench';
  return 'other';
}

export function summariseProfile(file: string, top = 12): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const ownerOf = (id: number): string => {
    for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
      const frame = nodes.get(at)?.callFrame;
      if (!frame) break;
      const where = packageOf(frame.url, frame.functionName);
      if (where === '(root)') break;
      if (where !== 'native' && where !== 'node' && where !== 'other') return where;
    }
    return 'node (no library on the stack)';
  };
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, index) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  let totalUs = 0;
  let idleUs = 0;
  const byPackage = new Map<string, number>();
  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, { name: string; where: string; us: number }>();
  for (const [id, us] of selfUs) {
    const frame = nodes.get(id)?.callFrame;
    if (!frame) continue;
    totalUs += us;
    if (frame.functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    const where = packageOf(frame.url, frame.functionName);
    byPackage.set(where, (byPackage.get(where) ?? 0) + us);
    const owner = ownerOf(id);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + us);
    const name = frame.functionName || '(anonymous)';
    const location = frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : where;
    const key = `${name}@${location}`;
    const entry = byFunction.get(key) ?? { name, where: location, us: 0 };
    entry.us += us;
    byFunction.set(key, entry);
  }
  const busyUs = totalUs - idleUs;
  const share = (us: number) => Math.round((us / Math.max(1, busyUs)) * 1000) / 10;
  return {
    totalMs: Math.round(totalUs / 1000),
    busyMs: Math.round(busyUs / 1000),
    byPackage: [...byPackage]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), share: share(us) })),
    byOwner: [...byOwner]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), share: share(us) })),
    topFunctions: [...byFunction.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((entry) => ({
        name: entry.name,
        where: entry.where,
        ms: Math.round(entry.us / 1000),
        share: share(entry.us),
      })),
  };
}

/** The last two path segments under a package: enough to find the file, short enough for a table. */
function shortUrl(url: string): string {
  const parts = url.replace(/^file:\/\//, '').split('/');
  return parts.slice(-3).join('/');
}
