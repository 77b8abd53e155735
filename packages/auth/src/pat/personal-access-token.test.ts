import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import { generatePersonalAccessToken, hashToken, PAT_PREFIX } from './personal-access-token.js';

it('generates distinct prefixed tokens stored only as their SHA-256 hash', () => {
  const a = generatePersonalAccessToken();
  const b = generatePersonalAccessToken();
  expect(a.token).not.toBe(b.token);
  expect(a.token.startsWith(PAT_PREFIX)).toBe(true);
  expect(a.token).not.toContain('.');
  expect(a.tokenHash).toBe(createHash('sha256').update(a.token).digest('hex'));
  expect(hashToken(a.token)).toBe(a.tokenHash);
  expect(a.token.startsWith(a.displayPrefix)).toBe(true);
});
