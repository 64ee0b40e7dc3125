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

/** What a browser shows without the token: how to get in, never the token itself. */
function tokenPage(base: string, sent: boolean): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>flowtwin: control token needed</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem;
  line-height: 1.5">
<h1>This flowtwin needs its control token</h1>
<p>${sent ? 'The token this browser sent is not this flowtwin&#39;s.' : 'The dashboard is behind its token.'}</p>
<p>Open <code>${base}/ui?token=&lt;token&gt;</code> once: flowtwin keeps the token in a cookie for this site
and takes it out of the address bar.</p>
<p>The token is the one given with <code>--control-token</code> or <code>FLOWTWIN_CONTROL_TOKEN</code>; when flowtwin
made one up, it printed it once at start (<code>control token: ...</code>).</p>
</body></html>
`;
}

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
    // A person opening the dashboard reads a page, not JSON.
    if (
      req.method === 'GET' &&
      DASHBOARD.test(req.path) &&
      req.accepts(['application/json', 'text/html']) === 'text/html'
    ) {
      return void res.status(401).type('html').set('cache-control', 'no-store').send(tokenPage(req.baseUrl, sent));
    }
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
