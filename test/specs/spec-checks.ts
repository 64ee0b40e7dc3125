// Checks every vendor spec shares: it lints clean, every example fits its schema, every schema
// compiles the way the server compiles it (Ajv2020 by JSON pointer into `paths`), and its
// drift/assumption marks match its part of docs/fidelity.md.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { parse } from 'yaml';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { lint, loadConfig } from '@redocly/openapi-core';

const addFormats = addFormatsModule.default;

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
export type JsonPath = (string | number)[];

export interface LoadedSpec {
  path: string;
  doc: JsonObject;
}

export function loadSpec(file: string): LoadedSpec {
  const path = join(root, 'specs', file);
  return { path, doc: parse(readFileSync(path, 'utf8')) as JsonObject };
}

export const readFidelity = (): string => readFileSync(join(root, 'docs', 'fidelity.md'), 'utf8');

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const SPEC_KEY = 'spec.json';

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON pointer segment, also URI-encoded so Ajv can resolve it inside a `$ref`/key. */
function segment(key: string | number): string {
  return encodeURIComponent(String(key).replace(/~/g, '~0').replace(/\//g, '~1'));
}

function pointer(path: JsonPath): string {
  return path.map((p) => `/${segment(p)}`).join('');
}

/** The same pointer without URI encoding, for messages. */
export function show(path: JsonPath): string {
  return path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

export function newAjv(doc: JsonObject): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(doc, SPEC_KEY);
  return ajv;
}

export function validatorAt(ajv: Ajv2020, path: JsonPath) {
  const validate = ajv.getSchema(`${SPEC_KEY}#${pointer(path)}`);
  if (!validate) throw new Error(`no schema at #${show(path)}`);
  return validate;
}

/** Visits every object node (not inside example values or extensions) with its path. */
export function walk(node: Json, path: JsonPath, visit: (node: JsonObject, path: JsonPath) => void): void {
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
export function resolveLocal(doc: JsonObject, ref: string): Json | undefined {
  let node: Json | undefined = doc;
  for (const raw of ref.replace(/^#\//, '').split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = isObject(node) ? node[key] : undefined;
  }
  return node;
}

type ExampleCase = { where: string; value: Json; schemaPath: JsonPath };

/** Media-type, parameter, header and schema examples, each with the path of its schema. */
export function collectExamples(doc: JsonObject): ExampleCase[] {
  const cases: ExampleCase[] = [];
  walk(doc, [], (node, path) => {
    if (isObject(node.schema)) {
      const schemaPath = [...path, 'schema'];
      if (node.example !== undefined) cases.push({ where: show([...path, 'example']), value: node.example, schemaPath });
      if (isObject(node.examples)) {
        for (const [name, example] of Object.entries(node.examples)) {
          const resolved = isObject(example) && typeof example.$ref === 'string' ? resolveLocal(doc, example.$ref) : example;
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

export type Operation = { method: string; path: string; op: JsonObject; at: JsonPath };

export function operations(doc: JsonObject): Operation[] {
  const paths = doc.paths as JsonObject;
  return Object.entries(paths).flatMap(([path, item]) =>
    METHODS.filter((m) => isObject((item as JsonObject)[m])).map((method) => ({
      method,
      path,
      op: (item as JsonObject)[method] as JsonObject,
      at: ['paths', path, method],
    })),
  );
}

export type Mark = { kind: 'drift' | 'assumption'; entry: JsonObject; where: string };

export function collectMarks(doc: JsonObject): Mark[] {
  const marks: Mark[] = [];
  const visit = (node: Json, path: JsonPath): void => {
    if (Array.isArray(node)) return node.forEach((item, i) => visit(item, [...path, i]));
    if (!isObject(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'x-flowtwin-drift' || key === 'x-flowtwin-assumption') {
        const kind = key === 'x-flowtwin-drift' ? 'drift' : 'assumption';
        if (!Array.isArray(value)) throw new Error(`${show([...path, key])} is not an array`);
        for (const entry of value) marks.push({ kind, entry: entry as JsonObject, where: show([...path, key]) });
      } else if (key !== 'example' && key !== 'examples') {
        visit(value, [...path, key]);
      }
    }
  };
  visit(doc, []);
  return marks;
}

/** `### <prefix>-...` headings of one `## <title>` section of docs/fidelity.md. */
export function headingIds(fidelity: string, section: string, prefix: string): string[] {
  const start = fidelity.search(new RegExp(`^## ${section}\\s*$`, 'm'));
  if (start < 0) return [];
  const rest = fidelity.slice(start + 3);
  const end = rest.search(/^## /m);
  const body = end < 0 ? rest : rest.slice(0, end);
  return [...body.matchAll(new RegExp(`^### (${prefix}-(?:DRIFT|ASSUME)-\\d+)\\b`, 'gm'))].map((m) => m[1] as string);
}

export const sortIds = (ids: Iterable<string>): string[] =>
  [...new Set(ids)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));

export async function lintProblems(specPath: string): Promise<string[]> {
  const config = await loadConfig({ configPath: join(root, 'redocly.yaml') });
  const problems = await lint({ ref: specPath, config });
  return problems
    .filter((p) => !p.ignored && (p.severity === 'error' || p.severity === 'warn'))
    .map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? '?'}`);
}

/** Registers, inside the caller's describe, the checks every vendor spec must pass. */
export function itPassesTheCommonSpecChecks(spec: LoadedSpec, minimum: { examples: number; compiled: number }): void {
  const { doc } = spec;

  it('lints clean with the recommended redocly rules', async () => {
    expect(await lintProblems(spec.path)).toEqual([]);
  });

  it('gives every example a value that validates against its schema', () => {
    const ajv = newAjv(doc);
    const cases = collectExamples(doc);
    expect(cases.length).toBeGreaterThan(minimum.examples);
    const failures = cases.flatMap(({ where, value, schemaPath }) => {
      const validate = validatorAt(ajv, schemaPath);
      return validate(value) ? [] : [`${where}: ${ajv.errorsText(validate.errors)}`];
    });
    expect(failures).toEqual([]);
  });

  it('compiles every parameter, header, request and response schema by JSON pointer with Ajv2020', () => {
    const ajv = newAjv(doc);
    const compiled: string[] = [];
    for (const { op, at } of operations(doc)) {
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
    expect(compiled.length).toBeGreaterThan(minimum.compiled);
  });

  it('uses only refs into #/components and never the 3.0 nullable keyword', () => {
    const refs: string[] = [];
    const nullable: string[] = [];
    walk(doc, [], (node, path) => {
      if (typeof node.$ref === 'string') refs.push(node.$ref);
      if ('nullable' in node) nullable.push(show(path));
    });
    expect(refs.length).toBeGreaterThan(0);
    expect(refs.filter((ref) => !ref.startsWith('#/components/'))).toEqual([]);
    expect(refs.filter((ref) => resolveLocal(doc, ref) === undefined)).toEqual([]);
    expect(nullable).toEqual([]);
  });

  it('never closes a schema with additionalProperties false', () => {
    const closed: string[] = [];
    walk(doc, [], (node, path) => {
      if (node.additionalProperties === false || node.unevaluatedProperties === false) closed.push(show(path));
    });
    expect(closed).toEqual([]);
  });
}

export interface FidelityPart {
  /** Id prefix: `DD` gives DD-DRIFT-n and DD-ASSUME-n. */
  prefix: string;
  /** Titles of this vendor's `## ...` sections in docs/fidelity.md. */
  drifts: string;
  assumptions: string;
}

/** Registers, inside the caller's describe, the checks that tie a spec's marks to docs/fidelity.md. */
export function itMatchesTheFidelityNotes(spec: LoadedSpec, part: FidelityPart): void {
  const marks = collectMarks(spec.doc);
  const fidelity = readFidelity();
  const { prefix } = part;

  it('give every mark a well-formed id and the fields of its kind', () => {
    expect(marks.length).toBeGreaterThan(0);
    for (const { kind, entry, where } of marks) {
      const fields = kind === 'drift' ? ['id', 'docs', 'reality', 'source'] : ['id', 'behaviour', 'why'];
      expect(Object.keys(entry).sort(), where).toEqual(fields.sort());
      for (const field of fields) expect(typeof entry[field] === 'string' && entry[field] !== '', `${where} ${field}`).toBe(true);
      expect(entry.id, where).toMatch(new RegExp(kind === 'drift' ? `^${prefix}-DRIFT-\\d+$` : `^${prefix}-ASSUME-\\d+$`));
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

  it(`match the "${part.drifts}" section of docs/fidelity.md one to one`, () => {
    const inSpec = sortIds(marks.filter((m) => m.kind === 'drift').map((m) => m.entry.id as string));
    const inDocs = headingIds(fidelity, part.drifts, prefix);
    expect(sortIds(inDocs)).toEqual(inSpec);
    expect(inDocs.length).toBe(inSpec.length);
  });

  it(`match the "${part.assumptions}" section of docs/fidelity.md one to one`, () => {
    const inSpec = sortIds(marks.filter((m) => m.kind === 'assumption').map((m) => m.entry.id as string));
    const inDocs = headingIds(fidelity, part.assumptions, prefix);
    expect(sortIds(inDocs)).toEqual(inSpec);
    expect(inDocs.length).toBe(inSpec.length);
  });

  it('mention no id in docs/fidelity.md that the spec does not carry', () => {
    const inSpec = new Set(marks.map((m) => m.entry.id as string));
    const mentioned = sortIds([...fidelity.matchAll(new RegExp(`\\b${prefix}-(?:DRIFT|ASSUME)-\\d+\\b`, 'g'))].map((m) => m[0]));
    expect(mentioned.filter((id) => !inSpec.has(id))).toEqual([]);
  });

  it('cite each drift source tag in docs/fidelity.md', () => {
    for (const { kind, entry } of marks) {
      if (kind !== 'drift') continue;
      for (const tag of (entry.source as string).split(/,\s*/)) expect(fidelity, `${entry.id}`).toContain(tag);
    }
  });
}
