/**
 * The repository stands alone: no tracked file sends a reader to a document outside it (an old
 * design document, a folder beside the checkout) or to an issue tracker's numbers. Say what the
 * reader needs in place, or point at a file inside the repository.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/configuration-doc.ts';

const OUTSIDE_REFERENCES: { name: string; pattern: RegExp }[] = [
  { name: 'the old design document', pattern: /DESIGN\.md/ },
  { name: 'a folder beside the checkout', pattern: /\.\.\/shared\b/ },
  { name: 'an issue number', pattern: /\bissues? #?\d+|(^|[\s(])#\d{1,4}\b|\bfinding \d+/i },
  { name: 'a milestone name', pattern: /\bEngine I{1,3}\b/ },
];

/** Generated results and the lockfile quote no one. */
const SKIPPED = /^(pnpm-lock\.yaml$|bench\/results\/)/;

describe('the repository stands alone', () => {
  it('has no reference to a document outside it or to an issue number', () => {
    const files = execFileSync('git', ['ls-files', '-z'], { cwd: repoRoot, encoding: 'utf8' })
      .split('\0')
      .filter((file) => file && !SKIPPED.test(file));
    const found: string[] = [];
    for (const file of files) {
      let text: string;
      try {
        text = readFileSync(join(repoRoot, file), 'utf8');
      } catch {
        continue; // listed but not in this checkout (a deleted file not yet committed)
      }
      if (text.includes('\0')) continue; // binary
      text.split('\n').forEach((line, index) => {
        for (const reference of OUTSIDE_REFERENCES) {
          if (reference.pattern.test(line))
            found.push(`${file}:${index + 1}: ${reference.name}: ${line.trim()}`);
        }
      });
    }
    expect(found, `say what the reader needs in place instead:\n${found.join('\n')}`).toEqual([]);
  });
});
