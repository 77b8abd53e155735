/** Writes a report as `<timestamp>.json` and `.md` under the results folder, and `latest.md`. */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchReport } from '../run-bench.js';
import { toMarkdown } from './markdown.js';

export function writeResults(report: BenchReport, dir: string): { json: string; markdown: string } {
  mkdirSync(dir, { recursive: true });
  const stamp = report.startedAt.replace(/[:.]/g, '-');
  const json = join(dir, `${stamp}.json`);
  const markdown = join(dir, `${stamp}.md`);
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(markdown, toMarkdown(report));
  copyFileSync(markdown, join(dir, 'latest.md'));
  return { json, markdown };
}
