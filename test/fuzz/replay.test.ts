// Replay windows as properties: an AK/SK-signed SecMaster request is accepted exactly while its
// X-Sdk-Date is within 15 minutes of the wall clock (HW-ASSUME-16), and an IAM token exactly until
// 24 h of virtual time after it was issued (IAM-ASSUME-1); outside, the gateway's 401.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sign } from '../../src/vendors/huawei-iam/signer.js';
import { fuzzParameters, startFuzzServer, T0, type FuzzServer } from './harness.js';

const PROJECT = '0123456789abcdef0123456789abcdef';
const KEY = { ak: 'REPLAYAK000000000000', sk: 'replay-secret-key-0000000000000000000', project_id: PROJECT };
const PATH = `/v1/${PROJECT}/workspaces/7a3f1c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b/soc/playbooks/instances`;
const WINDOW_S = 15 * 60;
const DAY_MS = 24 * 3_600_000;

let server: FuzzServer;
beforeAll(async () => {
  server = await startFuzzServer({ vendors: { secmaster: { auth: { credentials: [KEY] } } } });
});
afterAll(async () => server?.close());

function signedAt(skewSeconds: number): Record<string, string> {
  const headers = { host: server.host, 'x-project-id': PROJECT, 'x-sdk-date': new Date(T0 + skewSeconds * 1000).toISOString().replace(/[-:]|\.\d{3}/g, '') };
  const names = Object.keys(headers).sort();
  const signature = sign({ method: 'GET', path: PATH, query: { limit: '10', offset: '0' }, headers }, names, KEY.sk);
  return { ...headers, Authorization: `SDK-HMAC-SHA256 Access=${KEY.ak}, SignedHeaders=${names.join(';')}, Signature=${signature}` };
}

describe('replay windows', () => {
  it('accepts a correct signature exactly while X-Sdk-Date is within 15 minutes of the wall clock, before or after', async () => {
    const { seed, numRuns } = fuzzParameters('replay-signature', 60);
    const skew = fc.oneof(fc.integer({ min: -3 * WINDOW_S, max: 3 * WINDOW_S }), fc.constantFrom(-WINDOW_S - 1, -WINDOW_S, WINDOW_S, WINDOW_S + 1, 0, -86_400 * 365, 86_400 * 365));
    await fc.assert(
      fc.asyncProperty(skew, async (s) => {
        const res = await server.send({ method: 'GET', path: `${PATH}?limit=10&offset=0`, headers: signedAt(s) });
        if (Math.abs(s) <= WINDOW_S) expect(res.status, `X-Sdk-Date ${s} s off`).toBe(200);
        else expect([res.status, (res.json as { error_msg?: string }).error_msg], `X-Sdk-Date ${s} s off`).toEqual([401, 'Incorrect IAM authentication information: the signature has expired: x-sdk-date is more than 15 minutes away']);
      }),
      { seed, numRuns },
    );
  });

  it('honours an IAM token exactly until 24 h of virtual time after it was issued', async () => {
    const { seed, numRuns } = fuzzParameters('replay-token', 30);
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.integer({ min: 0, max: 2 * DAY_MS }), fc.constantFrom(DAY_MS - 1, DAY_MS, DAY_MS + 1)), async (age) => {
        const issued = await server.send({
          method: 'POST',
          path: '/v3/auth/tokens',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'u', password: 'p' } } }, scope: { project: { id: PROJECT } } } }),
        });
        const token = String(issued.headers['x-subject-token']);
        const expiresAt = new Date(Date.parse((issued.json as { token: { expires_at: string } }).token.expires_at)).toISOString();
        server.flowtwin.clock.advance(age);
        const res = await server.send({ method: 'GET', path: `${PATH}?limit=10&offset=0`, headers: { 'X-Auth-Token': token } });
        if (age < DAY_MS) expect(res.status, `a token ${age} ms old`).toBe(200);
        else expect([res.status, (res.json as { error_msg?: string }).error_msg], `a token ${age} ms old`).toEqual([401, `Incorrect IAM authentication information: token expires, expires_at: ${expiresAt}`]);
      }),
      { seed, numRuns },
    );
  });
});
