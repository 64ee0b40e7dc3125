// Reads an OpenAPI document from specs/. Specs ship with the package, so paths resolve from here.
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

export type JsonObject = Record<string, unknown>;

export interface OpenApiDocument extends JsonObject {
  openapi: string;
  paths: Record<string, JsonObject>;
}

/** specs/ sits next to src/ and dist/, so the same relative path works from both. */
export const SPECS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'specs');

/** Where `npm run build` puts each spec as JSON (dist/specs); absent when running from src. */
export const PARSED_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'specs');

export function loadSpec(file: string): OpenApiDocument {
  const path = file.includes('/') ? file : resolve(SPECS_DIR, file);
  const parsed = file.includes('/')
    ? undefined
    : parsedCopy(path, resolve(PARSED_DIR, file.replace(/\.ya?ml$/, '.json')));
  const doc = (parsed ?? parseYaml(readFileSync(path, 'utf8'))) as OpenApiDocument;
  if (!doc || typeof doc !== 'object' || typeof doc.openapi !== 'string' || !doc.paths) {
    throw new Error(`${path} is not an OpenAPI document`);
  }
  return doc;
}

/** The build's JSON copy of a spec, unless it is missing or older than the YAML (edited since the build). */
export function parsedCopy(yamlPath: string, jsonPath: string): unknown {
  try {
    if (statSync(jsonPath).mtimeMs < statSync(yamlPath).mtimeMs) return undefined;
    return JSON.parse(readFileSync(jsonPath, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The yaml parser is loaded only when a spec has no JSON copy: loading it cost 60 ms of every start. */
function parseYaml(text: string): unknown {
  const { parse } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  return parse(text);
}
