// Checks a fixtures document against specs/flowtwin-fixtures.schema.json before anything is
// loaded, so a bad file is refused with the place and reason instead of half-loaded.
// Compiling the schema took 150 ms, a third of a start: `npm run build` writes the compiled
// validator next to the JSON specs (ajv's standalone code), and a start loads that instead.
import { createRequire } from 'node:module';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Ajv2020, ValidateFunction } from 'ajv/dist/2020.js';
import { PARSED_DIR, SPECS_DIR } from './load.js';

// ajv is loaded only to compile (no build) or to write the build's validator.
const require = createRequire(import.meta.url);

export class FixtureError extends Error {}

const SCHEMA = 'flowtwin-fixtures.schema.json';
/** The name `npm run build` gives the compiled validator in dist/specs. */
export const PREBUILT_VALIDATOR = 'flowtwin-fixtures.validator.cjs';

let validator: ValidateFunction | undefined;

export function checkFixtures(doc: unknown): Record<string, unknown> {
  validator ??= loadFixturesValidator(PARSED_DIR);
  if (!validator(doc)) {
    const e = validator.errors![0]!;
    throw new FixtureError(`fixtures ${e.instancePath || '(document)'} ${e.message ?? 'is invalid'}`);
  }
  return doc as Record<string, unknown>;
}

/**
 * The validator built into `dir`, unless it is missing or older than the schema (edited since the build);
 * else compiled now.
 */
export function loadFixturesValidator(dir: string): ValidateFunction {
  const prebuilt = resolve(dir, PREBUILT_VALIDATOR);
  try {
    if (statSync(prebuilt).mtimeMs >= statSync(resolve(SPECS_DIR, SCHEMA)).mtimeMs)
      return require(prebuilt) as ValidateFunction;
  } catch {
    // Not built (running from src): compile below.
  }
  return compile();
}

/** The validator as standalone CommonJS source, for the build to write into dist/specs. */
export function fixturesValidatorSource(): string {
  const ajv = newAjv(true);
  const standaloneCode = require('ajv/dist/standalone/index.js') as typeof import('ajv/dist/standalone/index.js');
  return standaloneCode.default(ajv, ajv.compile(readSchema()));
}

function compile(): ValidateFunction {
  return newAjv(false).compile(readSchema());
}

// validateSchema off: the schema is ours and tested; checking it against the meta-schema doubled the compile.
const newAjv = (source: boolean): Ajv2020 => {
  const { Ajv2020: Ajv } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  return new Ajv({ allErrors: false, validateSchema: false, code: { source } });
};

const readSchema = (): object => JSON.parse(readFileSync(resolve(SPECS_DIR, SCHEMA), 'utf8')) as object;
