/**
 * Inlined values must mean what the same values mean as parameters: each statement runs both ways
 * on a real Postgres (extended protocol with `$n`, simple protocol with literals) and the rows
 * must be equal. Postgres, not this code, decides what a literal is.
 */
import { TEST_DATABASE_URL } from '@gpuq/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inlineParams } from './inline-params.js';

let client: pg.Client;
beforeAll(async () => {
  client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
});
afterAll(async () => {
  await client?.end();
});

const CASES: Array<[string, string, unknown[]]> = [
  ['text with quotes and backslashes', 'select $1::text as v', ["it's a \\ back'slash\\'"]],
  ['untyped text', 'select $1 as v, length($1) as n', ['plain']],
  ['json object', 'select $1::jsonb as v', [JSON.stringify({ prompt: "a 'fox'\n\\x", n: [1, 2] })]],
  ['text array', 'select $1::text[] as v', [['a', 'b"c', "d'e", 'f\\g', null]]],
  ['numbers and booleans', 'select $1::int + 1 as a, $2::float8 as b, $3::boolean as c', [41, 1.5, false]],
  ['null and a date', 'select $1::text is null as a, $2::timestamptz as b', [null, new Date(0)]],
  [
    'placeholders past 9',
    `select ${Array.from({ length: 11 }, (_, i) => `$${i + 1}::int`).join(' + ')} as v`,
    Array.from({ length: 11 }, (_, i) => i),
  ],
  [
    'a "$1" inside a string, an identifier and comments stays as it is',
    `select '$1' as "a$1", $1::text as b -- $2\n /* $2 */`,
    ['x'],
  ],
];

describe('inlineParams', () => {
  for (const [name, sql, params] of CASES) {
    it(`${name}: the same rows as the parameterised statement`, async () => {
      const inlined = inlineParams(sql, params);
      expect(inlined).not.toBeNull();
      const asParams = await client.query(sql, params);
      const asText = await client.query(inlined as string);
      expect(asText.rows).toEqual(asParams.rows);
    });
  }

  it('declines what a literal cannot carry or what it cannot scan', () => {
    expect(inlineParams('select $1::bytea', [Buffer.from('x')])).toBeNull();
    expect(inlineParams('select $1, $2', ['only one'])).toBeNull();
    expect(inlineParams('do $$ begin perform $1; end $$', ['x'])).toBeNull();
    expect(inlineParams("select E'\\'' || $1", ['x'])).toBeNull();
  });
});
