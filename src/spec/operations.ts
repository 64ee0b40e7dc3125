// Compiles an OpenAPI document into per-operation validators: parameters, request body and
// responses. Routing, request validation, response validation and the contract suite all use this
// one compiled form. Each validator is compiled by ajv on its first use: compiling all of them up
// front was most of flowtwin's start-up, and a process rarely uses more than a few operations.
// ajv itself (87 modules) is loaded, and given the spec, on the first compile too: a start that
// only answers its health check never needs it.
import { createRequire } from 'node:module';
import type { Ajv2020, ValidateFunction } from 'ajv/dist/2020.js';
import type { JsonObject, OpenApiDocument } from './load.js';

const require = createRequire(import.meta.url);

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface ParameterSpec {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  /** Validates `{ value }`, coercing strings to the declared type (query and path values are strings). */
  validate: ValidateFunction;
}

export interface BodySpec {
  required: boolean;
  mediaTypes: string[];
  validate: ValidateFunction;
}

export interface ResponseSpec {
  status: string;
  mediaTypes: string[];
  validators: Map<string, ValidateFunction>;
  /** JSON pointer of each media type's schema in the document, for tools that walk it. */
  schemas: Map<string, string>;
}

export interface OperationSpec {
  operationId: string;
  method: HttpMethod;
  /** OpenAPI template, e.g. /api/v2/workflows/{workflow_id}. */
  path: string;
  /** Matches a concrete path; groups are the path parameters in template order. */
  pathPattern: RegExp;
  pathParams: string[];
  parameters: ParameterSpec[];
  requestBody?: BodySpec;
  responses: Map<string, ResponseSpec>;
  /** The operation object itself, for vendor extensions such as x-permission. */
  raw: JsonObject;
}

export interface CompiledSpec {
  document: OpenApiDocument;
  operations: OperationSpec[];
  byId: Map<string, OperationSpec>;
  /**
   * Paths of the vendor's that flowtwin does not serve but a served template would take
   * (x-flowtwin-unserved-paths).
   */
  unserved: RegExp[];
}

let counter = 0;
const sharedAjv: { strict?: Ajv2020; coercing?: Ajv2020 } = {};

export function compileSpec(document: OpenApiDocument): CompiledSpec {
  const key = `spec${++counter}`;
  const withSpec = (which: keyof typeof sharedAjv, coerceTypes: false | 'array'): (() => Ajv2020) => {
    let ready: Ajv2020 | undefined;
    return () => {
      if (ready) return ready;
      // Two ajv instances for every spec: each new instance costs its own set-up of the 2020 vocabulary.
      const ajv = (sharedAjv[which] ??= newAjv(coerceTypes));
      ajv.addSchema(document, key);
      return (ready = ajv);
    };
  };
  const strictAjv = withSpec('strict', false);
  const coercingAjv = withSpec('coercing', 'array');
  const ref = (pointer: string): JsonObject => ({ $ref: `${key}#${pointer}` });

  const operations: OperationSpec[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    const pathPointer = `/paths/${escapePointer(path)}`;
    const shared = asArray(item.parameters).map((p, i) => resolve(document, p, `${pathPointer}/parameters/${i}`));
    for (const method of HTTP_METHODS) {
      const op = item[method] as JsonObject | undefined;
      if (!op) continue;
      const opPointer = `${pathPointer}/${method}`;
      const own = asArray(op.parameters).map((p, i) => resolve(document, p, `${opPointer}/parameters/${i}`));
      const merged = new Map<string, Resolved>();
      for (const p of [...shared, ...own]) merged.set(`${p.value.in as string}:${p.value.name as string}`, p);
      const parameters = [...merged.values()].map((p) => ({
        name: p.value.name as string,
        in: p.value.in as ParameterSpec['in'],
        required: p.value.required === true,
        validate: lazily(() =>
          coercingAjv().compile({ type: 'object', properties: { value: ref(`${p.pointer}/schema`) } }),
        ),
      }));
      const { pattern, names } = pathMatcher(path);
      operations.push({
        operationId: String(op.operationId),
        method,
        path,
        pathPattern: pattern,
        pathParams: names,
        parameters,
        requestBody: compileBody(document, op, opPointer, strictAjv, ref),
        responses: compileResponses(document, op, opPointer, strictAjv, ref),
        raw: op,
      });
    }
  }
  const unservedPaths =
    (document as { 'x-flowtwin-unserved-paths'?: { paths?: string[] } })['x-flowtwin-unserved-paths']?.paths ?? [];
  return {
    document,
    operations,
    byId: new Map(operations.map((o) => [o.operationId, o])),
    unserved: unservedPaths.map((p) => pathMatcher(p).pattern),
  };
}

function compileBody(
  doc: OpenApiDocument,
  op: JsonObject,
  opPointer: string,
  ajv: () => Ajv2020,
  ref: (p: string) => JsonObject,
): BodySpec | undefined {
  if (!op.requestBody) return undefined;
  const body = resolve(doc, op.requestBody, `${opPointer}/requestBody`);
  const content = (body.value.content ?? {}) as Record<string, JsonObject>;
  const mediaTypes = Object.keys(content);
  const first = mediaTypes[0];
  const schemaPointer =
    first && content[first]?.schema ? `${body.pointer}/content/${escapePointer(first)}/schema` : undefined;
  return {
    required: body.value.required === true,
    mediaTypes,
    validate: lazily(() => ajv().compile(schemaPointer ? ref(schemaPointer) : {})),
  };
}

function compileResponses(
  doc: OpenApiDocument,
  op: JsonObject,
  opPointer: string,
  ajv: () => Ajv2020,
  ref: (p: string) => JsonObject,
): Map<string, ResponseSpec> {
  const out = new Map<string, ResponseSpec>();
  for (const [status, raw] of Object.entries((op.responses ?? {}) as JsonObject)) {
    const response = resolve(doc, raw, `${opPointer}/responses/${escapePointer(status)}`);
    const content = (response.value.content ?? {}) as Record<string, JsonObject>;
    const validators = new Map<string, ValidateFunction>();
    const schemas = new Map<string, string>();
    for (const [mediaType, media] of Object.entries(content)) {
      if (!media.schema) continue;
      const pointer = `${response.pointer}/content/${escapePointer(mediaType)}/schema`;
      schemas.set(mediaType, pointer);
      validators.set(
        mediaType,
        lazily(() => ajv().compile(ref(pointer))),
      );
    }
    out.set(status, { status, mediaTypes: Object.keys(content), validators, schemas });
  }
  return out;
}

interface Resolved {
  value: JsonObject;
  pointer: string;
}

/** The value at a JSON pointer ("/components/schemas/X") of the document. */
export function atPointer(doc: OpenApiDocument, pointer: string): unknown {
  return pointer
    .split('/')
    .slice(1)
    .reduce<unknown>((node, part) => (node as JsonObject | undefined)?.[unescapePointer(part)], doc);
}

/** Follows local $refs of non-schema objects (parameters, bodies, responses), keeping the pointer. */
export function resolve(doc: OpenApiDocument, value: unknown, pointer: string): Resolved {
  let current = value as JsonObject;
  let at = pointer;
  for (let hops = 0; typeof current?.$ref === 'string'; hops++) {
    const target = current.$ref as string;
    if (!target.startsWith('#/') || hops > 20) throw new Error(`unsupported $ref ${target} at ${at}`);
    at = target.slice(1);
    current = atPointer(doc, at) as JsonObject;
    if (!current) throw new Error(`dangling $ref ${target}`);
  }
  return { value: current, pointer: at };
}

function pathMatcher(template: string): { pattern: RegExp; names: string[] } {
  const names: string[] = [];
  const source = template
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const m = /^\{([^}]+)\}$/.exec(part);
      if (!m) return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
      names.push(m[1]!);
      return '([^/]+)';
    })
    .join('');
  return { pattern: new RegExp(`^${source}/?$`), names };
}

/** A validator that compiles on its first call, then behaves as the compiled one (its `errors` included). */
function lazily(compile: () => ValidateFunction): ValidateFunction {
  let compiled: ValidateFunction | undefined;
  const validate = function (this: unknown, data: unknown, ...rest: unknown[]) {
    compiled ??= compile();
    const ok = (compiled as (...args: unknown[]) => boolean).call(this, data, ...rest);
    validate.errors = compiled.errors;
    return ok;
  } as ValidateFunction;
  return validate;
}

function newAjv(coerceTypes: false | 'array'): Ajv2020 {
  // validateSchema off: checking each spec against the JSON Schema meta-schema cost a compile of the
  // meta-schema per instance at start-up; the specs are linted (npm run lint:spec) and tested instead.
  const { Ajv2020: Ajv } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  const formats = require('ajv-formats') as { default: (ajv: Ajv2020) => void };
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    coerceTypes,
    useDefaults: false,
    validateFormats: true,
    validateSchema: false,
  });
  formats.default(ajv);
  return ajv;
}

const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const escapePointer = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');
const unescapePointer = (s: string): string => s.replace(/~1/g, '/').replace(/~0/g, '~');
