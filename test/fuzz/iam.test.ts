// Property-based fuzzing of the fake Huawei IAM's two operations (password token, token
// validation): no 5xx or hang, the spec and Keystone's error shape kept, a refusal changes nothing.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { body, contentType, headerValue, method, queryString, weirdString } from './arbitraries.js';
import { describeRequest, exchange, fuzzParameters, iamErrorShape, printable, specOf, startFuzzServer, type FuzzServer, type RawRequest } from './harness.js';

const spec = specOf('huawei-iam.yaml');
const USERS = [
  { name: 'alice', password: 'alice-pw', domain: 'corp', project_id: '0123456789abcdef0123456789abcdef', project_name: 'cn-north-4' },
  { name: 'bob', password: 'bob-pw', project_id: 'fedcba9876543210fedcba9876543210' },
];

let server: FuzzServer;
const tokens: string[] = [];

beforeAll(async () => {
  server = await startFuzzServer({ bodyLimitBytes: 64 * 1024, vendors: { 'huawei-iam': { users: USERS } } });
  for (const u of USERS) {
    const res = await server.send({ method: 'POST', path: '/v3/auth/tokens', headers: { 'content-type': 'application/json' }, body: JSON.stringify(passwordBody(u.name, u.password)) });
    tokens.push(String(res.headers['x-subject-token']));
  }
  expect(tokens.every((t) => t.startsWith('MIIFT'))).toBe(true);
});
afterAll(async () => server?.close());

function passwordBody(name: string, password: string, project?: { id?: string; name?: string }) {
  return { auth: { identity: { methods: ['password'], password: { user: { name, password, domain: { name: 'corp' } } } }, ...(project ? { scope: { project } } : {}) } };
}

const user = fc.oneof(fc.constantFrom(...USERS.map((u) => [u.name, u.password] as const)), fc.tuple(fc.constantFrom('alice', 'bob', 'mallory'), weirdString));
const project = fc.option(fc.record({ id: fc.oneof(fc.constantFrom(...USERS.map((u) => u.project_id)), weirdString), name: weirdString }, { requiredKeys: [] }), { nil: undefined });
const token = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...['0', '1'].map(Number)).map((i) => tokens[i]!) }, { weight: 1, arbitrary: headerValue });

const create: fc.Arbitrary<RawRequest> = fc
  .record({ m: method('POST'), query: fc.oneof({ weight: 2, arbitrary: fc.constant('') }, { weight: 1, arbitrary: queryString(['nocatalog'], () => fc.constantFrom('true', 'false', '1', '')) }), body: body(fc.tuple(user, project).map(([[n, p], pr]) => passwordBody(n, p, pr))), type: contentType })
  .map(({ m, query, body, type }) => printable({ method: m, path: `/v3/auth/tokens${query}`, headers: type === undefined ? {} : { 'content-type': type }, body }));

const validate: fc.Arbitrary<RawRequest> = fc
  .record({ m: method('GET'), auth: fc.option(token, { freq: 6, nil: undefined }), subject: fc.option(token, { freq: 6, nil: undefined }) })
  .map(({ m, auth, subject }) => printable({ method: m, path: '/v3/auth/tokens', headers: { ...(auth !== undefined ? { 'X-Auth-Token': auth } : {}), ...(subject !== undefined ? { 'X-Subject-Token': subject } : {}) } }));

const projects: fc.Arbitrary<RawRequest> = fc
  .record({
    m: method('GET'),
    auth: fc.option(token, { freq: 3, nil: undefined }),
    query: queryString(['name', 'per_page', 'page', 'enabled', 'is_domain', 'domain_id', 'parent_id'], () => fc.oneof(fc.constantFrom('cn-north-4', '1', '0', 'true', 'false', '5001'), weirdString)),
  })
  .map(({ m, auth, query }) => printable({ method: m, path: `/v3/projects${query}`, headers: auth !== undefined ? { 'X-Auth-Token': auth } : {} }));

const unrouted = fc.constantFrom('/v3/auth', '/v3/auth/tokens/x', '/v3/', '/v3/projects/x').map((path) => printable({ method: 'GET', path }));

describe('the fake Huawei IAM under fuzzed requests', () => {
  it('answers every generated request within the spec, in Keystone error shape, and a refused one changes nothing', async () => {
    const { seed, numRuns } = fuzzParameters('huawei-iam', 300);
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 5, arbitrary: create }, { weight: 5, arbitrary: validate }, { weight: 3, arbitrary: projects }, { weight: 1, arbitrary: unrouted }), async (req) => {
        const problems = await exchange(server, req, { spec, errorShape: iamErrorShape });
        expect(problems, describeRequest(req)).toEqual([]);
      }),
      { seed, numRuns, endOnFailure: true },
    );
    server.report('huawei-iam');
  }, 120_000);
});
