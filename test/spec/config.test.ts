// The configuration check (specs/flowtwin-config.schema.json): every wrong type, out-of-range value
// and unknown key is refused with its key path, before flowtwin starts; a good document passes
// unchanged. createFlowtwin gives settings passed in code the same check.
import { describe, expect, it } from 'vitest';
import { checkConfig, ConfigError } from '../../src/spec/config.js';
import { createFlowtwin } from '../../src/http/app.js';

const PROJECT = '0123456789abcdef0123456789abcdef';
const GOOD = {
  $comment: 'the README example',
  datadog: { auth: { keys: [{ apiKey: 'ci-api', appKey: 'ci-app', org: 'ci', permissions: ['workflows_read', 'workflows_run'], user: { name: 'CI', email: 'ci@example.com' } }] }, defaultStepMs: 500 },
  secmaster: { auth: { credentials: [{ ak: 'AK', sk: 'SK', project_id: PROJECT }] } },
  'huawei-iam': { users: [{ name: 'alice', password: 's3cret', project_id: PROJECT, domain: 'd', project_name: 'cn-north-4' }] },
  rateLimits: [{ vendor: 'datadog', name: 'instance-reads', limit: 100, period: 60, operations: ['GetWorkflowInstance'] }],
};

describe('checkConfig', () => {
  it('passes a valid document unchanged, and an empty one', () => {
    expect(checkConfig(GOOD)).toBe(GOOD);
    expect(checkConfig({})).toEqual({});
  });

  it.each([
    [{ datadog: { defaultStepMs: 'fast' } }, 'config: /datadog/defaultStepMs must be integer'],
    [{ datadog: { defaultStepMs: 1.5 } }, 'config: /datadog/defaultStepMs must be integer'],
    [{ datadog: { defaultStepMs: -1 } }, 'config: /datadog/defaultStepMs must be >= 0'],
    [{ datadog: { defaultStepMs: 86_400_001 } }, 'config: /datadog/defaultStepMs must be <= 86400000'],
    [{ datadog: { defaultStepMz: 500 } }, 'config: /datadog/defaultStepMz is not a known key (known at /datadog: defaultStepMs, cancelSettleMs, defaultWorkflowSort, auth)'],
    [{ datadg: {} }, 'config: /datadg is not a known key (known at /: $comment, datadog, secmaster, huawei-iam, rateLimits)'],
    [{ datadog: { auth: { keys: [{ apiKey: 'a' }] } } }, "config: /datadog/auth/keys/0 must have required property 'appKey'"],
    [{ datadog: { auth: { keys: [{ apiKey: 'a', appKey: '' }] } } }, 'config: /datadog/auth/keys/0/appKey must NOT have fewer than 1 characters'],
    [{ datadog: { auth: { keys: [{ apiKey: 'a', appKey: 'b', permission: ['workflows_read'] }] } } }, 'config: /datadog/auth/keys/0/permission is not a known key (known at /datadog/auth/keys/0: apiKey, appKey, org, permissions, user)'],
    [{ datadog: { auth: { keys: [{ apiKey: 'a', appKey: 'b', permissions: 'workflows_read' }] } } }, 'config: /datadog/auth/keys/0/permissions must be array'],
    [{ datadog: { auth: { keys: [{ apiKey: 'a'.repeat(257), appKey: 'b' }] } } }, 'config: /datadog/auth/keys/0/apiKey must NOT have more than 256 characters'],
    [{ secmaster: { auth: { credentials: [{ ak: 'AK', sk: 'SK', project_id: 'p1' }] } } }, 'config: /secmaster/auth/credentials/0/project_id must match pattern "^[0-9a-zA-Z-]{32,36}$"'],
    [{ secmaster: { credentials: [] } }, 'config: /secmaster/credentials is not a known key (known at /secmaster: auth)'],
    [{ 'huawei-iam': { users: [{ name: 'alice', password: 7, project_id: PROJECT }] } }, 'config: /huawei-iam/users/0/password must be string'],
    [{ rateLimits: { vendor: 'datadog' } }, 'config: /rateLimits must be array'],
    [{ rateLimits: [{ vendor: 'datadog', name: 'r', limit: 1_000_001, period: 60 }] }, 'config: /rateLimits/0/limit must be <= 1000000'],
    [{ rateLimits: [{ vendor: 'datadog', name: 'r', limit: 1, period: 0 }] }, 'config: /rateLimits/0/period must be >= 1'],
    [{ rateLimits: [{ vendor: 'dd', name: 'r', limit: 1, period: 60 }] }, 'config: /rateLimits/0/vendor must be one of "datadog", "secmaster", "huawei-iam"'],
    [{ rateLimits: [{ vendor: 'datadog', name: 'r', limit: 1, period: 60, burst: 2 }] }, 'config: /rateLimits/0/burst is not a known key (known at /rateLimits/0: vendor, name, limit, period, operations)'],
    [[], 'config: / must be object'],
  ])('refuses %j: %s', (doc, message) => {
    expect(() => checkConfig(doc)).toThrow(ConfigError);
    expect(() => checkConfig(doc)).toThrow(message);
  });

  it('has a bound on every number, string and list of the schema', async () => {
    const { readFileSync } = await import('node:fs');
    const unbounded: string[] = [];
    const walk = (node: unknown, at: string): void => {
      if (!node || typeof node !== 'object') return;
      const s = node as Record<string, unknown>;
      if (s.type === 'integer' || s.type === 'number') if (s.maximum === undefined || s.minimum === undefined) unbounded.push(at);
      if (s.type === 'string' && s.maxLength === undefined && s.pattern === undefined) unbounded.push(at);
      if (s.type === 'array' && s.maxItems === undefined) unbounded.push(at);
      for (const [k, v] of Object.entries(s)) walk(v, `${at}/${k}`);
    };
    walk(JSON.parse(readFileSync('specs/flowtwin-config.schema.json', 'utf8')), '');
    expect(unbounded).toEqual([]);
  });

  it('createFlowtwin gives vendor settings and rate limits passed in code the same check', async () => {
    await expect(createFlowtwin({ vendors: { datadog: { defaultStepMs: 'fast' as unknown as number } } })).rejects.toThrow('flowtwin options (vendors, rateLimits): /datadog/defaultStepMs must be integer');
    await expect(createFlowtwin({ rateLimits: [{ vendor: 'datadog', name: 'r', limit: 5e6, period: 60 }] })).rejects.toThrow('/rateLimits/0/limit must be <= 1000000');
  });
});
