// Shared helpers for the Datadog workflow tests: recorded error bodies and content types, a small
// valid spec with chosen trigger kinds, and a create-workflow request builder.
import { expect } from 'vitest';
import { DD_KEYS, testFlowtwin } from '../../support/flowtwin.js';

export type Ft = Awaited<ReturnType<typeof testFlowtwin>>;

export const UNKNOWN_ID = 'aaa11111-aa11-aa11-aaaa-aaaaaa111111'; // not RFC 4122, but the right shape (recorded 404)
export const NOT_FOUND = { errors: [{ detail: 'workflow not found' }] };
export const JSONAPI = /^application\/vnd\.api\+json/;
export const JSON_TYPE = /^application\/json/;

export const step = (name: string, next?: string) => ({
  name,
  actionId: 'com.datadoghq.core.noop',
  ...(next ? { outboundEdges: [{ nextStepName: next, branchName: 'main' }] } : {}),
});

/** A valid spec with one trigger of the given kind (apiTrigger, monitorTrigger, ...). */
export const specWith = (...kinds: string[]) => ({
  triggers: kinds.map((kind) => ({ startStepNames: ['Start'], [kind]: {} })),
  steps: [step('Start', 'End'), step('End')],
});

export function body(attributes: Record<string, unknown>) {
  return { data: { type: 'workflows', attributes: { name: 'Workflow', spec: specWith('apiTrigger'), ...attributes } } };
}

export async function create(ft: Ft, attributes: Record<string, unknown> = {}): Promise<string> {
  const res = await ft.http.post('/api/v2/workflows').set(DD_KEYS).send(body(attributes));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data.id as string;
}

export const names = (res: { body: { data: { attributes: { name: string } }[] } }) => res.body.data.map((d) => d.attributes.name);
