// Generators of hostile HTTP pieces shared by the fuzz suites: strings that break parsers and
// validators, path segments (valid ids, garbage, malformed %-escapes), query strings with
// duplicated and prototype-named keys, and JSON bodies that are valid, mutated, deep or not JSON.
import fc from 'fast-check';

/** Strings that have broken parsers, validators and object-keyed maps before. */
export const HOSTILE = [
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '', ' ', 'null', 'undefined', 'NaN', 'Infinity',
  '-1', '-0', '0', '1e309', '1e-7', '9007199254740993', '9'.repeat(400), '0x10', '1.5', 'true', '[]', '{}', '%00', '../../etc/passwd',
  'ä', '🙂', 'Ｒｕｎｎｉｎｇ', 'RUNNING', 'running', 'a'.repeat(5000), '\t', 'a,b', 'a;b', '<script>', "' OR 1=1 --",
];

export const hostileString = fc.constantFrom(...HOSTILE);

export const weirdString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 2, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
  { weight: 1, arbitrary: fc.uuid().map(String) },
  { weight: 1, arbitrary: fc.nat({ max: 6000 }).map((n) => 'x'.repeat(n)) },
);

/** A number-like string: in and around the ranges the specs declare, and far outside them. */
export const numberish: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: -3, max: 120 }).map(String),
  fc.integer({ min: 9990, max: 10010 }).map(String),
  fc.constantFrom('1e3', '10.0', '1.5', '-0', '+5', ' 5', '5 ', '0x1F', '1_000', '2147483648', '9007199254740993', '1e400', '-1e400'),
  fc.integer().map(String),
);

/**
 * Printable ASCII sent raw in a path (not '?' or '#', which would end it). Bytes above 0x7e are
 * refused by Node's HTTP parser with a bare 400 before any flowtwin code runs, so they test nothing here.
 */
const rawPathChar = fc.integer({ min: 0x21, max: 0x7e }).filter((c) => c !== 0x3f && c !== 0x23).map((c) => String.fromCharCode(c));
const MALFORMED_ESCAPES = ['%', '%zz', '%E0%A4', '%C0%AF', '%25', '%2F', '%2e%2e', '..', '.', '%FF%FE', '%u0041'];

/** A path segment: mostly one of the given (valid, known) values, else garbage in several encodings. */
export function segment(valid: string[], validWeight = 8): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: validWeight, arbitrary: fc.constantFrom(...valid) },
    { weight: 3, arbitrary: weirdString.map(encodeURIComponent) },
    { weight: 1, arbitrary: fc.uuid().map(String) },
    { weight: 1, arbitrary: fc.constantFrom(...MALFORMED_ESCAPES) },
    { weight: 1, arbitrary: fc.string({ unit: rawPathChar, minLength: 1, maxLength: 20 }) },
  );
}

/** `?k=v&...` (or '') with keys from the spec, hostile keys and duplicates, and values from `value(key)`. */
export function queryString(keys: string[], value: (key: string) => fc.Arbitrary<string>): fc.Arbitrary<string> {
  const key = fc.oneof({ weight: 6, arbitrary: keys.length ? fc.constantFrom(...keys) : hostileString }, { weight: 1, arbitrary: hostileString }, { weight: 1, arbitrary: weirdString });
  const pair = key.chain((k) =>
    fc.oneof(
      { weight: 8, arbitrary: fc.oneof({ weight: 3, arbitrary: value(k) }, { weight: 1, arbitrary: weirdString }).map((v) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`) },
      { weight: 1, arbitrary: fc.constant(encodeURIComponent(k)) },
      { weight: 1, arbitrary: fc.constantFrom('%zz=1', '=', '&&', `${encodeURIComponent(k)}[]=1`, `${encodeURIComponent(k)}=%E0%A4`, `${encodeURIComponent(k)}=a+b`) },
    ),
  );
  return fc.array(pair, { maxLength: 6 }).map((pairs) => (pairs.length ? `?${pairs.join('&')}` : ''));
}

/** A JSON value in its text form; `deep` and `bigNumber` are spliced in as text JSON.stringify cannot make. */
const weirdJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 3, arbitrary: fc.constantFrom(null, -0, 1e308, -1e308, 2 ** 53 + 1, Number.MIN_VALUE, 1.5, -1, 0, '', '__proto__', [], {}, true, false, 'x'.repeat(70_000)) },
  { weight: 2, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.constantFrom(10, 255, 257, 3000).map((n) => `\u0001DEEP:${n}`) },
  { weight: 1, arbitrary: fc.constant('\u0001BIG') },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }).map((v) => JSON.parse(`{"__proto__":${JSON.stringify(v) ?? 'null'}}`) as unknown) },
);

/** JSON text of a value, with the markers above replaced by deep nesting or out-of-range numbers. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value)
    .replace(/"\\u0001DEEP:(\d+)"/g, (_, n: string) => `${'['.repeat(Number(n))}${']'.repeat(Number(n))}`)
    .replace(/"\\u0001BIG"/g, `1${'0'.repeat(400)}`);
}

/** A copy of `value` with the thing at a pseudo-random path replaced, removed or given a new hostile key. */
function mutate(value: unknown, path: number[], replacement: unknown, action: 'replace' | 'delete' | 'addKey', key: string): unknown {
  if (path.length === 0 || value === null || typeof value !== 'object') return action === 'delete' ? undefined : replacement;
  const copy = (Array.isArray(value) ? [...value] : Object.assign(Object.create(null) as object, value)) as Record<string, unknown> | unknown[];
  const keys = Object.keys(copy);
  if (action === 'addKey' && (path.length === 1 || keys.length === 0)) {
    Object.defineProperty(copy, key, { value: replacement, enumerable: true, writable: true, configurable: true });
    return copy;
  }
  if (keys.length === 0) return replacement;
  const k = keys[path[0]! % keys.length]!;
  const next = mutate((copy as Record<string, unknown>)[k], path.slice(1), replacement, action, key);
  if (next === undefined && !Array.isArray(copy)) delete (copy as Record<string, unknown>)[k];
  else (copy as Record<string, unknown>)[k] = next;
  return copy;
}

export const mutated = (valid: fc.Arbitrary<unknown>): fc.Arbitrary<string> =>
  fc
    .tuple(valid, fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), weirdJson, fc.constantFrom('replace', 'delete', 'addKey') as fc.Arbitrary<'replace' | 'delete' | 'addKey'>, fc.oneof(hostileString, fc.string({ maxLength: 8 })))
    .map(([v, path, replacement, action, key]) => jsonText(mutate(v, path, replacement, action, key)) ?? '');

/** Request bodies that are not JSON, or JSON no schema expects. */
export const hostileBody: fc.Arbitrary<string | Buffer> = fc.oneof(
  fc.constantFrom(
    '',
    'null',
    '"text"',
    '[]',
    '{}',
    '1e99999',
    '{"a":1e400}',
    '-',
    '{',
    '{"a":"\\ud800"}',
    '{"__proto__":{"polluted":1}}',
    '{"constructor":{"prototype":{"polluted":1}}}',
    '{"data":{"__proto__":{"polluted":1},"type":"workflows"}}',
    `${'['.repeat(5000)}${']'.repeat(5000)}`,
    `${'{"a":'.repeat(300)}1${'}'.repeat(300)}`,
    '{"a":1,"a":2}',
  ),
  fc.constant(Buffer.from([0xff, 0xfe, 0x7b, 0x7d])),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? ''),
  weirdJson.map(jsonText),
);

/** Valid, mutated, arbitrary or hostile body text for an operation whose valid bodies `valid` makes. */
export function body(valid: fc.Arbitrary<unknown>): fc.Arbitrary<string | Buffer> {
  return fc.oneof({ weight: 5, arbitrary: valid.map(jsonText) }, { weight: 5, arbitrary: mutated(valid) }, { weight: 3, arbitrary: hostileBody });
}

/** A content type: mostly JSON, sometimes wrong, absent or oddly written. */
export const contentType: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  { weight: 1, arbitrary: fc.constantFrom(undefined, 'text/plain', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/vnd.api+json', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '') },
);

/** A header value Node will send: printable Latin-1, sometimes long. */
export const headerValue: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 }),
  fc.string({ unit: fc.integer({ min: 0xa0, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 10 }),
  fc.constantFrom('', ' ', '__proto__', 'x'.repeat(8000)),
);

/** The methods a client might send to a path, mostly the right one. */
export function method(right: string): fc.Arbitrary<string> {
  return fc.oneof({ weight: 12, arbitrary: fc.constant(right) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD') });
}

/** A small valid Datadog workflow: API trigger -> Sleep(sleepSeconds) -> Notify. */
export function validWorkflow(name = 'Restart service', sleepSeconds = 300) {
  return {
    data: {
      type: 'workflows',
      attributes: {
        name,
        tags: ['team:sre'],
        spec: {
          triggers: [{ startStepNames: ['Sleep'], apiTrigger: {} }],
          steps: [
            { name: 'Sleep', actionId: 'com.datadoghq.core.sleep', parameters: [{ name: 'durationSeconds', value: sleepSeconds }], outboundEdges: [{ nextStepName: 'Notify', branchName: 'main' }] },
            { name: 'Notify', actionId: 'com.datadoghq.slack.send_simple_message', parameters: [] },
          ],
        },
      },
    },
  };
}
