// Checks a configuration document (`flowtwin serve --config`, or createFlowtwin's vendors and
// rateLimits) against specs/flowtwin-config.schema.json before anything starts. Unchecked, a
// wrong type ({"defaultStepMs": "fast"}) started fine and then made every instance read a 500,
// and a misspelled key was silently ignored.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { loadSpec, SPECS_DIR } from './load.js';

// ajv is loaded on the first check: a start without a config never pays for it.
const require = createRequire(import.meta.url);

export class ConfigError extends Error {}

const SCHEMA = 'flowtwin-config.schema.json';
/** The control spec, which the config's rate-limit rules refer to (one schema for both ways of setting them). */
const CONTROL = 'flowtwin-control.yaml';

let validator: ValidateFunction | undefined;

/**
 * The document, unchanged, when it is a valid configuration; else a ConfigError naming the key path
 * (`what: /datadog/defaultStepMs must be integer`).
 */
export function checkConfig(doc: unknown, what = 'config'): Record<string, unknown> {
  validator ??= compile();
  if (!validator(doc)) throw new ConfigError(`${what}: ${describe(validator.errors![0]!)}`);
  return doc as Record<string, unknown>;
}

function describe(e: ErrorObject): string {
  const at = e.instancePath || '/';
  // ajv says "must NOT have additional properties" without saying which: name the key itself.
  if (e.keyword === 'additionalProperties') {
    const key = String((e.params as { additionalProperty: string }).additionalProperty);
    const known = Object.keys(((e.parentSchema as { properties?: object } | undefined)?.properties ?? {}) as object);
    return (
      `${e.instancePath}/${key} is not a known key` +
      `${known.length > 0 ? ` (known at ${at}: ${known.join(', ')})` : ''}`
    );
  }
  if (e.keyword === 'enum')
    return (
      `${at} must be one of ` +
      `${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`
    );
  return `${at} ${e.message ?? 'is invalid'}`;
}

function compile(): ValidateFunction {
  const { Ajv2020: Ajv } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  // strict off: the control spec is OpenAPI, whose schemas carry `example` and x- extensions.
  // verbose: the errors carry their schema, so an unknown key can be told apart from known ones.
  const ajv = new Ajv({ allErrors: false, strict: false, validateSchema: false, verbose: true });
  const schema = JSON.parse(readFileSync(resolve(SPECS_DIR, SCHEMA), 'utf8')) as { $id: string };
  ajv.addSchema(loadSpec(CONTROL), new URL(CONTROL, schema.$id).href);
  return ajv.compile(schema);
}
