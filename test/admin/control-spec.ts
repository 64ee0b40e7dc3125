// Validates control-plane responses against specs/flowtwin-control.yaml; a violation fails the test.
import { afterEach, expect } from 'vitest';
import type { Response } from 'supertest';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { loadSpec } from '../../src/spec/load.js';
import { compileSpec } from '../../src/spec/operations.js';
import { validateResponse } from '../../src/spec/validate-response.js';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => void;
const control = compileSpec(loadSpec('flowtwin-control.yaml'));
const problems: string[] = [];
const ajv = new Ajv2020({ strict: false });
addFormats(ajv);
ajv.addSchema(control.document, 'control');
const schemaValidators = new Map<string, ValidateFunction>();
afterEach(() => expect(problems.splice(0), 'control responses that break specs/flowtwin-control.yaml').toEqual([]));

/** Validates a value against the schema at a JSON pointer of the control spec. */
export function validateSchema(pointer: string, value: unknown): string[] {
  const validate = schemaValidators.get(pointer) ?? ajv.compile({ $ref: `control#${pointer}` });
  schemaValidators.set(pointer, validate);
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

export function conforms(operationId: string, res: Response): Response {
  const op = control.byId.get(operationId);
  if (!op) throw new Error(`no control operation ${operationId}`);
  // supertest parses JSON only; a page or a script is checked as the text it is, an image (kept
  // as bytes) as the text of its bytes.
  const json = /json/.test(String(res.headers['content-type']));
  const bytes = Buffer.isBuffer(res.body) && res.body.length > 0 ? (res.body as Buffer).toString('utf8') : undefined;
  const body = res.text ? (json ? res.body : res.text) : bytes;
  problems.push(...validateResponse(op, res.status, res.headers['content-type'], body).map((p) => p.message));
  return res;
}
