// Finds fields a response carries that its schema does not describe: the first sign that a vendor
// added something (or renamed something, with a missing-field failure next to it).
import { atPointer } from '../spec/operations.js';
import type { JsonObject, OpenApiDocument } from '../spec/load.js';

export function undocumentedFields(doc: OpenApiDocument, schemaPointer: string, body: unknown): string[] {
  const out: string[] = [];
  walk(doc, atPointer(doc, schemaPointer) as JsonObject | undefined, body, '', out, 0);
  return out;
}

function deref(doc: OpenApiDocument, schema: JsonObject | undefined): JsonObject | undefined {
  let s = schema;
  for (let hops = 0; s && typeof s.$ref === 'string' && hops < 20; hops++)
    s = atPointer(doc, (s.$ref as string).slice(1)) as JsonObject;
  return s;
}

/**
 * Properties an object may have under this schema, or undefined when anything goes. Of oneOf/anyOf
 * alternatives, those whose const properties (a JSON:API `type`) match the value are used.
 */
function knownProperties(
  doc: OpenApiDocument,
  schema: JsonObject,
  value: Record<string, unknown>,
): Map<string, JsonObject> | undefined {
  if (schema.additionalProperties !== undefined && schema.additionalProperties !== false) return undefined;
  const listed = (k: string) =>
    Array.isArray(schema[k])
      ? (schema[k] as JsonObject[]).map((a) => deref(doc, a)).filter((a): a is JsonObject => !!a)
      : [];
  const options = [...listed('oneOf'), ...listed('anyOf')];
  const matching = options.filter((alt) =>
    Object.entries((alt.properties ?? {}) as Record<string, JsonObject>).every(
      ([name, sub]) => deref(doc, sub)?.const === undefined || deref(doc, sub)!.const === value[name],
    ),
  );
  const alternatives = [schema, ...listed('allOf'), ...(matching.length > 0 ? matching : options)];
  const props = new Map<string, JsonObject>();
  let described = false;
  for (const alt of alternatives) {
    if (!alt.properties) continue;
    described = true;
    for (const [name, sub] of Object.entries(alt.properties as Record<string, JsonObject>)) props.set(name, sub);
  }
  return described ? props : undefined;
}

function walk(
  doc: OpenApiDocument,
  raw: JsonObject | undefined,
  value: unknown,
  path: string,
  out: string[],
  depth: number,
): void {
  const schema = deref(doc, raw);
  if (!schema || value === null || typeof value !== 'object' || depth > 64) return;
  if (Array.isArray(value)) {
    const items = schema.items as JsonObject | undefined;
    value.forEach((item, i) => walk(doc, items, item, `${path}/${i}`, out, depth + 1));
    return;
  }
  const known = knownProperties(doc, schema, value as Record<string, unknown>);
  if (!known) return;
  for (const [key, child] of Object.entries(value)) {
    const sub = known.get(key);
    if (!sub) out.push(`${path}/${key}`);
    else walk(doc, sub, child, `${path}/${key}`, out, depth + 1);
  }
}
