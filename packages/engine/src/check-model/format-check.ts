/** The text `pnpm check-model` prints: one row per component, then the totals. */
import type { ModelCheck } from './model-check.js';

const GIB = 1024 ** 3;

function gib(bytes: number): string {
  return `${(bytes / GIB).toFixed(2)} GiB`;
}

function dtypes(counts: Readonly<Record<string, number>>): string {
  return Object.entries(counts)
    .map(([dtype, n]) => `${dtype}×${n}`)
    .join(' ');
}

export function formatModelCheck(check: ModelCheck, seconds: number): string {
  const rows = check.components.map((c) => [
    c.name,
    c.class,
    `${c.files.length}`,
    `${c.tensors}`,
    c.params.toLocaleString('en-US'),
    dtypes(c.dtypes),
    gib(c.bytes),
  ]);
  const head = ['component', 'class', 'files', 'tensors', 'parameters', 'dtypes', 'resident (stored dtype)'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const params = check.components.reduce((n, c) => n + c.params, 0);
  const bytes = check.components.reduce((n, c) => n + c.bytes, 0);
  return [
    `${check.dir}: ${check.pipeline || 'model'} OK (${seconds.toFixed(2)} s, headers only)`,
    line(head),
    ...rows.map(line),
    `total: ${params.toLocaleString('en-US')} parameters, ${gib(bytes)} resident at the stored dtypes`,
    '',
  ].join('\n');
}
