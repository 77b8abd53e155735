import { expect, it } from 'vitest';
import { extractBearerToken, MAX_TOKEN_LENGTH } from './bearer.js';
import { AuthError } from './errors/auth-error.js';
import { secretsEqual } from './secret-compare.js';

it('reads the bearer header first, then an allowed query token', () => {
  expect(extractBearerToken({ authorization: 'Bearer abc' })).toBe('abc');
  expect(extractBearerToken({ authorization: '  BEARER   abc ' })).toBe('abc');
  expect(extractBearerToken({ authorization: 'Bearer abc', queryToken: 'q' })).toBe('abc');
  expect(extractBearerToken({ authorization: undefined, queryToken: 'q' })).toBe('q');
  expect(extractBearerToken({ authorization: undefined })).toBeUndefined();
});

it('refuses other schemes, empty bearers and oversized tokens', () => {
  for (const authorization of [
    'Basic dTpw',
    'Bearer',
    'Bearer a b',
    'Token abc',
    'Bearer '.concat('x'.repeat(MAX_TOKEN_LENGTH + 1)),
  ]) {
    expect(() => extractBearerToken({ authorization })).toThrow(AuthError);
  }
});

it('compares secrets of any length', () => {
  expect(secretsEqual('same', 'same')).toBe(true);
  expect(secretsEqual('same', 'sam')).toBe(false);
  expect(secretsEqual('', 'x')).toBe(false);
});
