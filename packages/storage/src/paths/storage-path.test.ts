import { describe, expect, it } from 'vitest';
import { InvalidStoragePath } from '../errors/invalid-storage-path.js';
import {
  assertBucketName,
  assertFileName,
  assertObjectPath,
  assertOwnedPath,
  assertOwnerPrefixedPath,
  ownerPath,
} from './storage-path.js';

const alice = '0b5c6a3e-8f2d-4c1a-9e7b-1d2f3a4b5c6d';
const bob = '7e8f9a0b-1c2d-4e3f-8a9b-0c1d2e3f4a5b';

function reasonOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidStoragePath);
    return (error as InvalidStoragePath).reason;
  }
  return undefined;
}

describe('assertFileName', () => {
  it('accepts a plain file name', () => {
    expect(assertFileName('image-0.png')).toBe('image-0.png');
    expect(assertFileName('.hidden.mp4')).toBe('.hidden.mp4');
  });

  it.each([
    ['a/b.png', 'not_a_file_name'],
    [`${alice}/x.png`, 'not_a_file_name'],
    ['../x.png', 'not_a_file_name'],
    ['.', 'not_a_file_name'],
    ['..', 'not_a_file_name'],
    ['...', 'not_a_file_name'],
    ['', 'empty'],
    ['a\\b.png', 'backslash'],
    ['a?b.png', 'bad_character'],
  ])('refuses %j (%s)', (name, reason) => {
    expect(reasonOf(() => assertFileName(name))).toBe(reason);
  });
});

describe('assertObjectPath', () => {
  it('accepts ordinary nested paths', () => {
    expect(assertObjectPath(`${alice}/tasks/t-1/out (1).png`)).toBe(`${alice}/tasks/t-1/out (1).png`);
  });

  it.each([
    ['', 'empty'],
    ['a/../b', 'dot_segment'],
    ['..', 'dot_segment'],
    ['a/./b', 'dot_segment'],
    ['/etc/passwd', 'absolute'],
    ['C:/Windows/x', 'absolute'],
    ['a\\b', 'backslash'],
    ['..\\..\\x', 'backslash'],
    ['a//b', 'empty_segment'],
    ['a/b/', 'empty_segment'],
    ['a\u0000b', 'nul_or_control'],
    ['a\nb', 'nul_or_control'],
    ['a/b?x=1', 'bad_character'],
    ['a/b#frag', 'bad_character'],
    ['a/%2e%2e', 'bad_character'],
    ['x'.repeat(1025), 'too_long'],
  ])('refuses %j as %s', (path, reason) => {
    expect(reasonOf(() => assertObjectPath(path))).toBe(reason);
  });

  it('cuts a long refused path in the error so logs stay small', () => {
    try {
      assertObjectPath(`${'y'.repeat(5000)}\u0000`);
    } catch (error) {
      expect((error as InvalidStoragePath).path).toHaveLength(200);
    }
  });
});

describe('owner rules', () => {
  it('accepts a path in the owner folder and lower-cases the owner id', () => {
    expect(assertOwnedPath(alice, `${alice.toUpperCase()}/a.png`)).toBe(`${alice}/a.png`);
  });

  it("refuses another user's folder as foreign_owner", () => {
    expect(reasonOf(() => assertOwnedPath(alice, `${bob}/a.png`))).toBe('foreign_owner');
  });

  it('refuses paths outside any folder, and the bare folder itself', () => {
    expect(reasonOf(() => assertOwnedPath(alice, 'a.png'))).toBe('missing_owner');
    expect(reasonOf(() => assertOwnedPath(alice, alice))).toBe('empty');
    expect(reasonOf(() => assertOwnerPrefixedPath('shared/a.png'))).toBe('missing_owner');
  });

  it('refuses an owner id that is not a user id', () => {
    expect(reasonOf(() => ownerPath('../x', 'a.png'))).toBe('bad_owner');
  });

  it('builds owner paths and checks the parts', () => {
    expect(ownerPath(alice, 'tasks', 't1', 'a.png')).toBe(`${alice}/tasks/t1/a.png`);
    expect(ownerPath(alice, 'tasks/t1/a.png')).toBe(`${alice}/tasks/t1/a.png`);
    expect(reasonOf(() => ownerPath(alice, '..', bob, 'a.png'))).toBe('dot_segment');
  });
});

describe('assertBucketName', () => {
  it('accepts the catalog bucket names and refuses path-like ones', () => {
    expect(assertBucketName('sdxl_image_fast')).toBe('sdxl_image_fast');
    for (const bad of ['', '..', 'a/b', 'UPPER', '.hidden', 'x'.repeat(64)]) {
      expect(reasonOf(() => assertBucketName(bad))).toBe('bad_bucket');
    }
  });
});
