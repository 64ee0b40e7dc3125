// Checks specs/datadog-workflow-automation.yaml: it lints clean, every example fits its schema,
// every schema compiles the way the server compiles it (Ajv2020 by JSON pointer), and the
// drift/assumption marks match docs/fidelity.md.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import { parse } from 'yaml';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { lint, loadConfig } from '@redocly/openapi-core';

const addFormats = addFormatsModule.default;

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const specPath = join(root, 'specs', 'datadog-workflow-automation.yaml');
const fidelityPath = join(root, 'docs', 'fidelity.md');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const spec = parse(readFileSync(specPath, 'utf8')) as JsonObject;
const fidelity = readFileSync(fidelityPath, 'utf8');

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const SPEC_KEY = 'spec.json';

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON pointer segment, also URI-encoded so Ajv can resolve it inside a `$ref`/key. */
function segment(key: string | number): string {
  return encodeURIComponent(String(key).replace(/~/g, '~0').replace(/\//g, '~1'));
}

function pointer(path: (string | number)[]): string {
  return path.map((p) => `/${segment(p)}`).join('');
}

/** The same pointer without URI encoding, for messages. */
function show(path: (string | number)[]): string {
  return path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

function newAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(spec, SPEC_KEY);
  return ajv;
}

function validatorAt(ajv: Ajv2020, path: (string | number)[]) {
  const validate = ajv.getSchema(`${SPEC_KEY}#${pointer(path)}`);
  if (!validate) throw new Error(`no schema at #${show(path)}`);
  return validate;
}

/** Visits every object node (not inside example values or extensions) with its path. */
function walk(node: Json, path: (string | number)[], visit: (node: JsonObject, path: (string | number)[]) => void): void {
  if (Array.isArray(node)) {
    node.forEach((item, i) => walk(item, [...path, i], visit));
    return;
  }
  if (!isObject(node)) return;
  visit(node, path);
  for (const [key, value] of Object.entries(node)) {
    if (key === 'example' || key === 'examples' || key.startsWith('x-')) continue;
    if (key === 'const' || key === 'default' || key === 'enum') continue;
    walk(value, [...path, key], visit);
  }
}

/** Resolves a local `$ref` such as `#/components/examples/X`. */
function resolveLocal(ref: string): Json | undefined {
  let node: Json | undefined = spec;
  for (const raw of ref.replace(/^#\//, '').split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = isObject(node) ? node[key] : undefined;
  }
  return node;
}

type ExampleCase = { where: string; value: Json; schemaPath: (string | number)[] };

/** Media-type, parameter, header and schema examples, each with the path of its schema. */
function collectExamples(): ExampleCase[] {
  const cases: ExampleCase[] = [];
  walk(spec, [], (node, path) => {
    if (isObject(node.schema)) {
      const schemaPath = [...path, 'schema'];
      if (node.example !== undefined) cases.push({ where: show([...path, 'example']), value: node.example, schemaPath });
      if (isObject(node.examples)) {
        for (const [name, example] of Object.entries(node.examples)) {
          const resolved = isObject(example) && typeof example.$ref === 'string' ? resolveLocal(example.$ref) : example;
          if (isObject(resolved) && resolved.value !== undefined) {
            cases.push({ where: show([...path, 'examples', name]), value: resolved.value, schemaPath });
          }
        }
      }
      return;
    }
    // Anything else carrying `example` or an `examples` array is a schema object.
    if (node.example !== undefined) cases.push({ where: show([...path, 'example']), value: node.example, schemaPath: path });
    if (Array.isArray(node.examples)) {
      node.examples.forEach((value, i) => cases.push({ where: show([...path, 'examples', i]), value, schemaPath: path }));
    }
  });
  return cases;
}

type Operation = { method: string; path: string; op: JsonObject; at: (string | number)[] };

function operations(): Operation[] {
  const paths = spec.paths as JsonObject;
  return Object.entries(paths).flatMap(([path, item]) =>
    METHODS.filter((m) => isObject((item as JsonObject)[m])).map((method) => ({
      method,
      path,
      op: (item as JsonObject)[method] as JsonObject,
      at: ['paths', path, method],
    })),
  );
}

type Mark = { kind: 'drift' | 'assumption'; entry: JsonObject; where: string };

function collectMarks(): Mark[] {
  const marks: Mark[] = [];
  const visit = (node: Json, path: (string | number)[]): void => {
    if (Array.isArray(node)) return node.forEach((item, i) => visit(item, [...path, i]));
    if (!isObject(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'x-flowtwin-drift' || key === 'x-flowtwin-assumption') {
        const kind = key === 'x-flowtwin-drift' ? 'drift' : 'assumption';
        expect(Array.isArray(value), `${show([...path, key])} is an array`).toBe(true);
        for (const entry of value as Json[]) marks.push({ kind, entry: entry as JsonObject, where: show([...path, key]) });
      } else if (key !== 'example' && key !== 'examples') {
        visit(value, [...path, key]);
      }
    }
  };
  visit(spec, []);
  return marks;
}

/** `### DD-...` headings of one `## <title>` section of docs/fidelity.md. */
function headingIds(section: string): string[] {
  const start = fidelity.search(new RegExp(`^## ${section}\\s*$`, 'm'));
  if (start < 0) return [];
  const rest = fidelity.slice(start + 3);
  const end = rest.search(/^## /m);
  const body = end < 0 ? rest : rest.slice(0, end);
  return [...body.matchAll(/^### (DD-(?:DRIFT|ASSUME)-\d+)\b/gm)].map((m) => m[1] as string);
}

const sortIds = (ids: Iterable<string>): string[] =>
  [...new Set(ids)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));

describe('datadog-workflow-automation.yaml', () => {
  it('is an OpenAPI 3.1.0 document titled for flowtwin', () => {
    expect(spec.openapi).toBe('3.1.0');
    expect((spec.info as JsonObject).title).toBe('Datadog Workflow Automation (flowtwin)');
    expect((spec.servers as JsonObject[]).map((s) => s.url)).toEqual(['https://api.datadoghq.com', 'http://localhost:4010']);
  });

  it('lints clean with the recommended redocly rules', async () => {
    const config = await loadConfig({ configPath: join(root, 'redocly.yaml') });
    const problems = await lint({ ref: specPath, config });
    const shown = problems
      .filter((p) => p.severity === 'error' || p.severity === 'warn')
      .map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? '?'}`);
    expect(shown).toEqual([]);
  });

  it('declares exactly the nine Datadog operation ids', () => {
    expect(operations().map((o) => o.op.operationId).sort()).toEqual(
      [
        'CancelWorkflowInstance',
        'CreateWorkflow',
        'CreateWorkflowInstance',
        'DeleteWorkflow',
        'GetWorkflow',
        'GetWorkflowInstance',
        'ListWorkflowInstances',
        'ListWorkflows',
        'UpdateWorkflow',
      ].sort(),
    );
  });

  it('gives every example a value that validates against its schema', () => {
    const ajv = newAjv();
    const cases = collectExamples();
    expect(cases.length).toBeGreaterThan(40);
    const failures = cases.flatMap(({ where, value, schemaPath }) => {
      const validate = validatorAt(ajv, schemaPath);
      return validate(value) ? [] : [`${where}: ${ajv.errorsText(validate.errors)}`];
    });
    expect(failures).toEqual([]);
  });

  it('compiles every parameter, header, request and response schema by JSON pointer with Ajv2020', () => {
    const ajv = newAjv();
    const compiled: string[] = [];
    for (const { op, at } of operations()) {
      ((op.parameters ?? []) as JsonObject[]).forEach((_, i) => {
        validatorAt(ajv, [...at, 'parameters', i, 'schema']);
        compiled.push(show([...at, 'parameters', i]));
      });
      const body = op.requestBody as JsonObject | undefined;
      for (const type of Object.keys((body?.content ?? {}) as JsonObject)) {
        validatorAt(ajv, [...at, 'requestBody', 'content', type, 'schema']);
        compiled.push(show([...at, 'requestBody', 'content', type]));
      }
      for (const [status, response] of Object.entries(op.responses as JsonObject)) {
        const res = response as JsonObject;
        for (const type of Object.keys((res.content ?? {}) as JsonObject)) {
          validatorAt(ajv, [...at, 'responses', status, 'content', type, 'schema']);
          compiled.push(show([...at, 'responses', status, 'content', type]));
        }
        for (const header of Object.keys((res.headers ?? {}) as JsonObject)) {
          validatorAt(ajv, [...at, 'responses', status, 'headers', header, 'schema']);
          compiled.push(show([...at, 'responses', status, 'headers', header]));
        }
      }
    }
    expect(compiled.length).toBeGreaterThan(60);
  });

  it('uses only refs into #/components and never the 3.0 nullable keyword', () => {
    const refs: string[] = [];
    const nullable: string[] = [];
    walk(spec, [], (node, path) => {
      if (typeof node.$ref === 'string') refs.push(node.$ref);
      if ('nullable' in node) nullable.push(show(path));
    });
    expect(refs.length).toBeGreaterThan(0);
    expect(refs.filter((ref) => !ref.startsWith('#/components/'))).toEqual([]);
    expect(refs.filter((ref) => resolveLocal(ref) === undefined)).toEqual([]);
    expect(nullable).toEqual([]);
  });

  it('never closes a schema with additionalProperties false', () => {
    const closed: string[] = [];
    walk(spec, [], (node, path) => {
      if (node.additionalProperties === false || node.unevaluatedProperties === false) closed.push(show(path));
    });
    expect(closed).toEqual([]);
  });

  it('checks workflow and instance ids by the 8-4-4-4-12 hex shape only', () => {
    for (const { op } of operations()) {
      for (const param of (op.parameters ?? []) as JsonObject[]) {
        if (param.in !== 'path') continue;
        expect(['workflow_id', 'instance_id']).toContain(param.name);
        const schema = param.schema as JsonObject;
        expect(schema.type).toBe('string');
        expect(schema.format).toBeUndefined();
        expect(schema.pattern).toBe('^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$');
      }
    }
  });

  it('declares 403 and 429 on every operation and 413 on every operation with a body', () => {
    for (const { op } of operations()) {
      const responses = op.responses as JsonObject;
      expect(Object.keys(responses), String(op.operationId)).toEqual(expect.arrayContaining(['403', '429']));
      if (op.requestBody) expect(Object.keys(responses), String(op.operationId)).toContain('413');
    }
  });

  it('offers OAuth2 only on the three instance read and execute operations', () => {
    const withOAuth = operations()
      .filter(({ op }) => JSON.stringify(op.security ?? []).includes('AuthZ'))
      .map(({ op }) => op.operationId)
      .sort();
    expect(withOAuth).toEqual(['CreateWorkflowInstance', 'GetWorkflowInstance', 'ListWorkflowInstances']);
  });
});

describe('fidelity marks', () => {
  const marks = collectMarks();

  it('give every mark a well-formed id and the fields of its kind', () => {
    expect(marks.length).toBeGreaterThan(0);
    for (const { kind, entry, where } of marks) {
      const fields = kind === 'drift' ? ['id', 'docs', 'reality', 'source'] : ['id', 'behaviour', 'why'];
      expect(Object.keys(entry).sort(), where).toEqual(fields.sort());
      for (const field of fields) expect(typeof entry[field] === 'string' && entry[field] !== '', `${where} ${field}`).toBe(true);
      expect(entry.id, where).toMatch(kind === 'drift' ? /^DD-DRIFT-\d+$/ : /^DD-ASSUME-\d+$/);
    }
  });

  it('carry the same text wherever one id appears', () => {
    const byId = new Map<string, string>();
    for (const { entry, where } of marks) {
      const text = JSON.stringify(entry);
      const seen = byId.get(entry.id as string);
      if (seen === undefined) byId.set(entry.id as string, text);
      else expect(text, `${entry.id} at ${where}`).toBe(seen);
    }
  });

  it('match the Drifts section of docs/fidelity.md one to one', () => {
    const inSpec = sortIds(marks.filter((m) => m.kind === 'drift').map((m) => m.entry.id as string));
    expect(sortIds(headingIds('Drifts'))).toEqual(inSpec);
    expect(headingIds('Drifts').length).toBe(inSpec.length);
  });

  it('match the Assumptions section of docs/fidelity.md one to one', () => {
    const inSpec = sortIds(marks.filter((m) => m.kind === 'assumption').map((m) => m.entry.id as string));
    expect(sortIds(headingIds('Assumptions'))).toEqual(inSpec);
    expect(headingIds('Assumptions').length).toBe(inSpec.length);
  });

  it('mention no id in docs/fidelity.md that the spec does not carry', () => {
    const inSpec = new Set(marks.map((m) => m.entry.id as string));
    const mentioned = sortIds([...fidelity.matchAll(/\bDD-(?:DRIFT|ASSUME)-\d+\b/g)].map((m) => m[0]));
    expect(mentioned.filter((id) => !inSpec.has(id))).toEqual([]);
  });

  it('cite each drift source tag in docs/fidelity.md', () => {
    for (const { kind, entry } of marks) {
      if (kind !== 'drift') continue;
      for (const tag of (entry.source as string).split(/,\s*/)) expect(fidelity, `${entry.id}`).toContain(tag);
    }
  });
});
