// GET /__flowtwin/ui: the dashboard, plain HTML, ES modules and CSS from the package's ui/ folder
// (no build step). Files are read at each request so an edited page shows on reload.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Response, Router } from 'express';
import { ControlInputError } from '../vendors/vendor.js';

/** ui/ sits next to src/ and dist/ (like specs/), so the same relative path works from both. */
export const UI_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'ui');

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
};
/** A flat name with a known extension: nothing a request sends can reach outside ui/. */
const ASSET = /^[a-z0-9][a-z0-9-]*\.(html|js|css|svg)$/;

async function sendAsset(res: Response, name: string): Promise<void> {
  const match = ASSET.exec(name);
  if (!match) throw new ControlInputError(`the dashboard has no file ${JSON.stringify(name)}`, 404);
  let body: Buffer;
  try {
    body = await readFile(resolve(UI_DIR, name));
  } catch {
    throw new ControlInputError(`the dashboard has no file ${JSON.stringify(name)}`, 404);
  }
  res.set('cache-control', 'no-cache').type(TYPES[match[1]!]!).send(body);
}

export function mountDashboard(router: Router): void {
  router.get(['/ui', '/ui/'], (_req, res) => sendAsset(res, 'index.html'));
  router.get('/ui/:asset', (req, res) => sendAsset(res, String(req.params.asset)));
}
