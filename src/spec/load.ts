// Reads an OpenAPI document from specs/. Specs ship with the package, so paths resolve from here.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export type JsonObject = Record<string, unknown>;

export interface OpenApiDocument extends JsonObject {
  openapi: string;
  paths: Record<string, JsonObject>;
}

/** specs/ sits next to src/ and dist/, so the same relative path works from both. */
export const SPECS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'specs');

export function loadSpec(file: string): OpenApiDocument {
  const path = file.includes('/') ? file : resolve(SPECS_DIR, file);
  const doc = parse(readFileSync(path, 'utf8')) as OpenApiDocument;
  if (!doc || typeof doc !== 'object' || typeof doc.openapi !== 'string' || !doc.paths) {
    throw new Error(`${path} is not an OpenAPI document`);
  }
  return doc;
}
