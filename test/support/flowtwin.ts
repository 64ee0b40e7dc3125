// Builds a flowtwin app for a test with a frozen clock, predictable ids, and response validation
// against the spec: any response that breaks the spec fails the test that caused it.
import { afterEach, expect } from 'vitest';
import supertest from 'supertest';
import { createFlowtwin, type FlowtwinOptions } from '../../src/http/app.js';

export const T0 = Date.parse('2026-01-15T10:00:00.000Z');

export const DD_KEYS = { 'DD-API-KEY': 'test-api-key', 'DD-APPLICATION-KEY': 'test-app-key' };
export const DD_OTHER_ORG = { 'DD-API-KEY': 'other-api-key', 'DD-APPLICATION-KEY': 'other-app-key' };

const violations: string[] = [];
afterEach(() => {
  const found = violations.splice(0);
  expect(found, 'responses that break the spec').toEqual([]);
});

export async function testFlowtwin(options: FlowtwinOptions = {}) {
  let n = 0;
  const flowtwin = await createFlowtwin({
    now: () => T0,
    ids: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
    onResponseViolation: (v) => violations.push(`${v.method} ${v.path}: ${v.message}`),
    ...options,
  });
  flowtwin.clock.freeze();
  return { ...flowtwin, http: supertest(flowtwin.handler) };
}

/** A small valid workflow: API trigger -> Sleep(durationSeconds) -> Notify. */
export function workflowBody(overrides: { name?: string; sleepSeconds?: number; description?: string } = {}) {
  return {
    data: {
      type: 'workflows',
      attributes: {
        name: overrides.name ?? 'Restart service',
        ...(overrides.description !== undefined ? { description: overrides.description } : {}),
        tags: ['team:sre', 'env:test'],
        spec: {
          triggers: [{ startStepNames: ['Sleep'], apiTrigger: {} }],
          steps: [
            {
              name: 'Sleep',
              actionId: 'com.datadoghq.core.sleep',
              parameters: [{ name: 'durationSeconds', value: overrides.sleepSeconds ?? 300 }],
              outboundEdges: [{ nextStepName: 'Notify', branchName: 'main' }],
            },
            { name: 'Notify', actionId: 'com.datadoghq.slack.send_simple_message', parameters: [] },
          ],
        },
      },
    },
  };
}
