// The control plane's own lock: with a control token in force, every /__flowtwin call but
// GET /health needs it, as a header (scripts, the testing client, the CLI verbs) or as a cookie the
// dashboard gets by being opened once with ?token=. Not Authorization: a control call may carry a
// vendor's credentials there (Huawei AK/SK) to act for one tenant.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { sendProblem } from './problem.js';

export const CONTROL_TOKEN_HEADER = 'x-flowtwin-control-token';
export const CONTROL_COOKIE = 'flowtwin_control';

/** 24 random bytes, URL- and cookie-safe. */
export const generateControlToken = (): string => randomBytes(24).toString('base64url');

/** Whether a listen address is reachable only from this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h === '::1' || /^(::ffff:)?127(\.\d{1,3}){3}$/.test(h);
}

// Hashing first gives equal lengths, so the comparison takes the same time whatever was sent.
const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

function cookieOf(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

const DASHBOARD = /^\/ui\/?$/;

/** Express middleware for the control prefix; `token` undefined leaves the control plane open. */
export function controlAuth(token: string | undefined) {
  const expected = token === undefined ? undefined : digest(token);
  const matches = (sent: unknown): boolean =>
    typeof sent === 'string' && expected !== undefined && timingSafeEqual(digest(sent), expected);

  return (req: Request, res: Response, next: NextFunction): void => {
    if (!expected) return next();
    if ((req.method === 'GET' || req.method === 'HEAD') && req.path === '/health') return next();
    const offered = typeof req.query.token === 'string' ? req.query.token : undefined;
    if (req.method === 'GET' && DASHBOARD.test(req.path) && offered !== undefined && matches(offered)) {
      // Traded for a cookie, then dropped from the address bar (and so from history).
      res.cookie(CONTROL_COOKIE, offered, { path: req.baseUrl || '/', httpOnly: true, sameSite: 'strict' });
      res.set('cache-control', 'no-store');
      return void res.status(303).location(`${req.baseUrl}/ui`).end();
    }
    const header = req.headers[CONTROL_TOKEN_HEADER];
    const cookie = cookieOf(req, CONTROL_COOKIE);
    if (matches(header) || matches(cookie)) return next();
    const sent = header !== undefined || cookie !== undefined || offered !== undefined;
    const problem = sent
      ? "the control token sent is not this flowtwin's"
      : "this flowtwin's control plane needs its control token";
    res.set('www-authenticate', `FlowtwinControlToken header="X-Flowtwin-Control-Token", cookie="${CONTROL_COOKIE}"`);
    sendProblem(
      res,
      401,
      'Unauthorized',
      `${problem}: ` +
        'send it as the X-Flowtwin-Control-Token header, ' +
        `or open the dashboard once as ${req.baseUrl}/ui?token=<token> to get the ${CONTROL_COOKIE} cookie`,
    );
  };
}
