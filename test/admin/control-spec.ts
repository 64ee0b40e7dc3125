// Validates control-plane responses against specs/flowtwin-control.yaml; a violation fails the test.
import { afterEach, expect } from 'vitest';
import type { Response } from 'supertest';
import { loadSpec } from '../../src/spec/load.js';
import { compileSpec } from '../../src/spec/operations.js';
import { validateResponse } from '../../src/spec/validate-response.js';

const control = compileSpec(loadSpec('flowtwin-control.yaml'));
const problems: string[] = [];
afterEach(() => expect(problems.splice(0), 'control responses that break specs/flowtwin-control.yaml').toEqual([]));

export function conforms(operationId: string, res: Response): Response {
  const op = control.byId.get(operationId);
  if (!op) throw new Error(`no control operation ${operationId}`);
  const body = res.text ? res.body : undefined;
  problems.push(...validateResponse(op, res.status, res.headers['content-type'], body).map((p) => p.message));
  return res;
}
