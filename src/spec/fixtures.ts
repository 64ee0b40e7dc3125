// Checks a fixtures document against specs/flowtwin-fixtures.schema.json before anything is
// loaded, so a bad file is refused with the place and reason instead of half-loaded.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { SPECS_DIR } from './load.js';

export class FixtureError extends Error {}

let validator: ReturnType<Ajv2020['compile']> | undefined;

export function checkFixtures(doc: unknown): Record<string, unknown> {
  // validateSchema off: the schema is ours and tested; checking it against the meta-schema doubled the compile.
  validator ??= new Ajv2020({ allErrors: false, validateSchema: false }).compile(JSON.parse(readFileSync(resolve(SPECS_DIR, 'flowtwin-fixtures.schema.json'), 'utf8')));
  if (!validator(doc)) {
    const e = validator.errors![0]!;
    throw new FixtureError(`fixtures ${e.instancePath || '(document)'} ${e.message ?? 'is invalid'}`);
  }
  return doc as Record<string, unknown>;
}
