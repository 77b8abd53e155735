/**
 * fast-check arbitraries of what a careless or hostile client sends: values of the wrong type,
 * numbers at and past the edges of the columns they land in, strings past their limits or full of
 * control characters, JSON nested past the body limit, and text that is not JSON at all.
 */
import fc from 'fast-check';

/** Integers and doubles around the bounds of Postgres `integer`/`bigint` and of JS numbers. */
export const edgeNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    -1,
    0,
    0.5,
    -0.5,
    2 ** 31 - 1,
    2 ** 31,
    -(2 ** 31) - 1,
    2 ** 32,
    3e9,
    2 ** 53,
    2 ** 63,
    1e20,
    1e308,
    -1e308,
    Number.MIN_VALUE,
  ),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.maxSafeInteger(),
);

/** Strings a schema or a SQL cast may choke on. */
export const edgeString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    'abc',
    '\u0000',
    'null',
    '00000000-0000-0000-0000-000000000000',
    '../../etc/passwd',
    '%2e%2e%2f',
    '<script>alert(1)</script>',
    "'; drop table public.tasks; --",
    '\ud800',
    '1e999',
    'NaN',
    'x'.repeat(5000),
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.uuid().map((id) => `${id}x`),
);

/** `{"a":{"a":…}}` between 65 and 6,000 levels, as text (JSON.stringify overflows on the deepest). */
export const deepJsonText: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 65, max: 6000 }), fc.constantFrom('{"a":', '['), fc.boolean())
  .map(([depth, open, closed]) => {
    const close = open === '[' ? ']' : '}';
    return `${open.repeat(depth)}1${closed ? close.repeat(depth) : ''}`;
  });

/** Any JSON value of the wrong kind, or none at all. */
export const junkValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: edgeNumber, weight: 3 },
  { arbitrary: edgeString, weight: 3 },
  { arbitrary: fc.constantFrom(null, true, false, [], {}), weight: 2 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 2 },
  { arbitrary: fc.anything({ maxDepth: 2 }), weight: 1 },
);

/** Bodies that are not JSON objects: other JSON, truncated JSON, or plain text. */
export const junkBodyText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    '{',
    '[',
    '{"a":',
    'null',
    '""',
    '[]',
    '0',
    'true',
    '{"a":1}}',
    '\u0000',
    '{"__proto__":{"x":1}}',
  ),
  fc.string({ maxLength: 200 }),
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value) ?? 'null'),
  deepJsonText,
);

/** A JSON body given as a value or as text (deep, truncated or not JSON at all). */
export type JsonBody = { json: unknown } | { text: string };

export function bodyText(body: JsonBody): string {
  return 'text' in body ? body.text : (JSON.stringify(body.json) ?? 'null');
}

/**
 * A valid-looking object with one to three of its fields replaced by junk or dropped, a few junk
 * fields added, or one field nested past the depth limit.
 */
export function mutated(template: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<JsonBody> {
  const fieldChange = fc.record({
    which: fc.nat(),
    to: fc.oneof(
      { arbitrary: junkValue.map((value) => ({ value })), weight: 5 },
      { arbitrary: fc.constant({ drop: true as const }), weight: 1 },
    ),
  });
  const changed = fc
    .tuple(
      template,
      fc.array(fieldChange, { minLength: 1, maxLength: 3 }),
      fc.dictionary(edgeString, junkValue, { maxKeys: 2 }),
    )
    .map(([base, changes, extra]): JsonBody => {
      const copy: Record<string, unknown> = { ...base };
      const keys = Object.keys(base);
      for (const change of changes) {
        const key = keys[change.which % Math.max(keys.length, 1)] ?? 'x';
        if ('drop' in change.to) delete copy[key];
        else copy[key] = change.to.value;
      }
      return { json: { ...extra, ...copy } };
    });
  // The deep value replaces a field, or sits beside the keys of an object field (a task's params,
  // a job's metadata), so the rest of the body can still be valid.
  const deep = fc.tuple(template, fc.nat(), deepJsonText).map(([base, which, deepText]): JsonBody => {
    const keys = Object.keys(base);
    const key = keys[which % Math.max(keys.length, 1)] ?? 'x';
    const field = base[key];
    const marker = '"__deep_marker__":0';
    const rest =
      field !== null && typeof field === 'object' && !Array.isArray(field)
        ? JSON.stringify({ ...base, [key]: { ...field, __deep_marker__: 0 } })
        : JSON.stringify({ ...base, [key]: { __deep_marker__: 0 } });
    return { text: rest.replace(marker, `"style":${deepText}`) };
  });
  return fc.oneof(
    { arbitrary: changed, weight: 8 },
    { arbitrary: deep, weight: 1 },
    { arbitrary: junkBodyText.map((text): JsonBody => ({ text })), weight: 2 },
  );
}

/** Percent-encoded UTF-8; a lone surrogate (which encodeURIComponent refuses) as its raw code unit. */
export function encodeQuery(text: string): string {
  return [...text]
    .map((char) => {
      try {
        return encodeURIComponent(char);
      } catch {
        return `%${char.charCodeAt(0).toString(16)}`;
      }
    })
    .join('');
}

/** A query string of the given keys (and some others) with junk values, unencoded characters included. */
export function junkQuery(keys: readonly string[]): fc.Arbitrary<string> {
  const value = fc.oneof(
    edgeString,
    edgeNumber.map(String),
    fc.constantFrom('%', '%zz', '&', '=', '[]', 'a%00b'),
  );
  return fc
    .array(fc.tuple(fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 8 })), value, fc.boolean()), {
      minLength: 1,
      maxLength: 4,
    })
    .map((pairs) =>
      pairs
        .map(([key, val, raw]) => `${encodeQuery(key)}=${raw ? val.replace(/[#\s]/g, '') : encodeQuery(val)}`)
        .join('&'),
    );
}
