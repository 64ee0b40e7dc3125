// Shared helpers for the SecMaster HTTP tests: the default fixtures and their ids, request builders
// (list, auditLogs, trigger), and the check of SecMaster's 400 {code, message} body.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { DEFAULT_FIXTURES } from '../../../src/serve.js';
import { T0, testFlowtwin } from '../../support/flowtwin.js';

export type Ft = Awaited<ReturnType<typeof testFlowtwin>>;
// Bodies are read loosely here; the harness validates every one against the spec.
export type Res = { status: number; headers: Record<string, string>; body: any; text: string };

const fixtures = JSON.parse(readFileSync(DEFAULT_FIXTURES, 'utf8')) as Record<string, unknown>;
export const PROJECT = '0123456789abcdef0123456789abcdef';
export const WS = '7a3f1c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b';
export const OTHER_WS = '00000000-0000-4000-8000-00000000ffff';
export const BASE = `/v1/${PROJECT}/workspaces/${WS}/soc/playbooks`;
/** With no credentials configured, any well-formed token is accepted (HW-ASSUME-16). */
export const AUTH = { 'X-Auth-Token': 'local-development-token' };
export const REQUEST_ID = /^[0-9a-f-]{36}-\d+-flowtwin$/;
export const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
export const SCOPE_ID = '^[0-9a-zA-Z-]{32,36}$';
export const HOUR = 3_600_000;

/** The fixture playbooks, versions and instances (fixtures/default.json, secmaster). */
export const AUTO_BLOCK = '9e67afee-c992-4388-9a33-523bcf8e634b';
export const AUTO_BLOCK_VERSION = 'f1019bbf-6c50-4b72-a853-e7375a928909';
export const SWEEP = '7623b52a-beda-4b93-a01a-3ab5b612d37e';
export const SWEEP_VERSION = 'ad2bca37-094e-41da-a586-036b7c8d32af';
/** AUTO_BLOCK's versions that do not run: v1 superseded, v3 in review, v4 a draft. */
export const AUTO_BLOCK_V1 = 'f56cfc04-2c6f-4c86-9911-c8e440f605c0';
export const AUTO_BLOCK_V3 = '9ec9339b-2e23-46bc-9158-649cbc2ad854';
export const AUTO_BLOCK_V4 = '000da668-63ec-4511-9e14-c2d516050977';
/** A disabled playbook whose v2 was rejected. */
export const RETIRED = '3d9d5466-b486-4fe1-889f-bb70439d7fee';
export const RETIRED_VERSION = '10c4653f-8918-44c0-9003-710754a523cc';
export const RETIRED_V2 = 'c9555730-f831-40d0-aac1-95552e82ee59';
export const I = {
  finished: 'fbf9f695-d81a-410b-ae87-c36b17142e8e', // 3 h ago, succeeded after 37 s
  failed: 'b7eb5da4-8b3f-4b88-8e28-e5f710347098', // 2 h ago, failed at "Block source IP" (35 s)
  retried: '0e869168-7ed3-4985-ac1d-faea2dc311a0', // 1.5 h ago, failed, RETRY 80 min ago, then finished
  terminated: '21d79aef-7b32-4a37-bcf7-78c4f2d057a0', // 1 h ago, TERMINATE 10 s after its start
  running: 'b5e16802-d099-423d-a830-1db2a9bb995a', // 10 s ago, in "Block source IP"
  hanging: 'c2f62b28-1e33-46e7-bcc1-4ba23bd900a4', // 30 min ago, hangs in "Notify on-call"
};
export const NEWEST_FIRST = [I.running, I.hanging, I.terminated, I.retried, I.failed, I.finished];
export const STATUS_OF: Record<string, string> = {
  [I.running]: 'RUNNING',
  [I.hanging]: 'RUNNING',
  [I.terminated]: 'TERMINATED',
  [I.retried]: 'FINISHED',
  [I.failed]: 'FAILED',
  [I.finished]: 'FINISHED',
};

/** SecMaster's timestamp of T0 + ms, as wall time at +0800: `2026-01-15T18:00:00.000Z+0800`. */
export const ts = (ms: number): string => `${new Date(T0 + ms + 8 * 3_600_000).toISOString()}+0800`;
export const ids = (res: Res): string[] => (res.body.instances as { id: string }[]).map((i) => i.id);

/** The data object a fixture instance runs on. */
export function dataobjectOf(id: string): { id: string; name: string } {
  const sm = fixtures.secmaster as { projects: { workspaces: { instances: { id: string; dataobject: { id: string; name: string } }[] }[] }[] };
  return sm.projects[0]!.workspaces[0]!.instances.find((i) => i.id === id)!.dataobject;
}

export const withFixtures = (options: Parameters<typeof testFlowtwin>[0] = {}) => testFlowtwin({ fixtures, ...options });

export function list(ft: Ft, query: Record<string, string | number> | string = {}): Promise<Res> {
  const req = ft.http.get(`${BASE}/instances`).set(AUTH);
  return typeof query === 'string' ? req.query(query) : req.query({ limit: 100, offset: 0, ...query });
}

export function auditLogs(ft: Ft, query: Record<string, string | number> = {}, filter?: object): Promise<Res> {
  const req = ft.http.post(`${BASE}/instances/auditlogs`).set(AUTH).query({ limit: 100, offset: 0, ...query });
  return filter === undefined ? req : req.send(filter);
}

export function expectBadRequest(res: Res, code: string, message: string | RegExp) {
  expect(res.status).toBe(400);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.headers['x-request-id']).toMatch(REQUEST_ID);
  expect(Object.keys(res.body).sort()).toEqual(['code', 'message']);
  expect(res.body.code).toBe(code);
  if (typeof message === 'string') expect(res.body.message).toBe(message);
  else expect(res.body.message).toMatch(message);
}

export async function trigger(ft: Ft, extra: Record<string, unknown> = {}): Promise<Res> {
  return ft.http.post('/__flowtwin/secmaster/trigger').send({ project_id: PROJECT, workspace_id: WS, ...extra });
}
