// Checks specs/huawei-iam.yaml: the checks every spec shares (spec-checks.ts) plus the fake IAM's
// own: its two operations, the token header and the Keystone-shaped errors.
import { describe, expect, it } from 'vitest';
import { itMatchesTheFidelityNotes, itPassesTheCommonSpecChecks, loadSpec, newAjv, operations, validatorAt, type JsonObject } from './spec-checks.js';

const spec = loadSpec('huawei-iam.yaml');
const doc = spec.doc;
const byId = (id: string) => {
  const found = operations(doc).find(({ op }) => op.operationId === id);
  if (!found) throw new Error(`no operation ${id}`);
  return found.op;
};
const responses = (id: string) => byId(id).responses as JsonObject;

/** Errors with a response of their own (their own assumption), still in the Keystone shape. */
const OWN_RESPONSE: Record<string, string> = { '414': 'UriTooLong', '503': 'Unavailable' };

describe('huawei-iam.yaml', () => {
  it('is an OpenAPI 3.1.0 document titled for flowtwin', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect((doc.info as JsonObject).title).toBe('Huawei Cloud IAM tokens and projects (flowtwin)');
    expect((doc.servers as JsonObject[]).map((s) => s.url)).toEqual(['https://iam.myhuaweicloud.com', 'http://localhost:4010']);
  });

  // Eight schemas sit inline under `paths`; the shared check does not follow the `$ref`'d error
  // response, so the test below compiles that one itself.
  itPassesTheCommonSpecChecks(spec, { examples: 2, compiled: 7 });

  it('compiles the shared error response schema by JSON pointer, and its example fits it', () => {
    const ajv = newAjv(doc);
    const validate = validatorAt(ajv, ['components', 'responses', 'Error', 'content', 'application/json', 'schema']);
    expect(validate({ error: { code: 401, message: 'The username or password is wrong.', title: 'Unauthorized' } })).toBe(true);
    expect(validate({ error_msg: 'x', error_code: 'APIGW.0301' })).toBe(false);
  });

  it('declares exactly the two token operations, on /v3/auth/tokens, and the project list', () => {
    expect(operations(doc).map(({ method, path, op }) => `${method.toUpperCase()} ${path} ${op.operationId}`).sort()).toEqual([
      'GET /v3/auth/tokens KeystoneValidateToken',
      'GET /v3/projects KeystoneListProjects',
      'POST /v3/auth/tokens KeystoneCreateUserTokenByPassword',
    ]);
  });

  it('issues a token with 201 and the X-Subject-Token header, and validates one with 200 and the same header', () => {
    const created = responses('KeystoneCreateUserTokenByPassword')['201'] as JsonObject;
    expect(Object.keys(created.headers as JsonObject)).toEqual(['X-Subject-Token']);
    const validated = responses('KeystoneValidateToken')['200'] as JsonObject;
    expect(Object.keys(validated.headers as JsonObject)).toEqual(['X-Subject-Token']);
    const params = (byId('KeystoneValidateToken').parameters as JsonObject[]).map((p) => `${p.in} ${p.name} ${p.required}`);
    expect(params.sort()).toEqual(['header X-Auth-Token true', 'header X-Subject-Token true']);
  });

  it('answers every error with the Keystone-shaped error response (a URL over the limit and a 503 with their own, same schema)', () => {
    for (const { op } of operations(doc)) {
      for (const [status, response] of Object.entries(op.responses as JsonObject)) {
        if (status.startsWith('2')) continue;
        expect(response, `${op.operationId} ${status}`).toEqual({ $ref: `#/components/responses/${OWN_RESPONSE[status] ?? 'Error'}` });
      }
    }
    const responses = (doc.components as JsonObject).responses as JsonObject;
    const schemaOf = (name: string) => (((responses[name] as JsonObject).content as JsonObject)['application/json'] as JsonObject).schema;
    expect(schemaOf('UriTooLong')).toEqual(schemaOf('Error'));
    expect(schemaOf('Unavailable')).toEqual(schemaOf('Error'));
    expect(Object.keys((responses.Unavailable as JsonObject).headers as JsonObject)).toEqual(['Retry-After']);
    const schemas = (doc.components as JsonObject).schemas as JsonObject;
    expect((schemas.IamError as JsonObject).required).toEqual(['error']);
  });
});

describe('fidelity marks', () => {
  // The IAM spec carries assumptions only; "IAM drifts" is absent from docs/fidelity.md, as it should be.
  itMatchesTheFidelityNotes(spec, { prefix: 'IAM', drifts: 'IAM drifts', assumptions: 'IAM assumptions' });
});
