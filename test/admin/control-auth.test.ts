// The control token: with one in force, every control operation of specs/flowtwin-control.yaml but
// GET /health answers 401 without it, the header and the dashboard's cookie let a call through, and
// the vendor APIs stay open.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLoopbackHost } from '../../src/admin/control-auth.js';
import { createFlowtwin, type Flowtwin } from '../../src/http/app.js';
import { loadSpec } from '../../src/spec/load.js';
import { compileSpec } from '../../src/spec/operations.js';
import { controlClient, FlowtwinControlError, startFlowtwin } from '../../src/testing/index.js';
import { conforms } from './control-spec.js';

const TOKEN = 'ctl-4f9a1c7e-only-for-tests';
const HEADER = 'X-Flowtwin-Control-Token';
const DD = { 'DD-API-KEY': 'auth-test-api', 'DD-APPLICATION-KEY': 'auth-test-app' };
const operations = compileSpec(loadSpec('flowtwin-control.yaml')).operations;

let ft: Flowtwin;
beforeAll(async () => {
  ft = await createFlowtwin({ controlToken: TOKEN });
});
afterAll(() => ft.close());

/** A concrete path for a template: any value will do, the token is checked before routing. */
const pathOf = (template: string): string => template.replace(/\{[^}]+\}/g, 'x');

function expectRefused(res: request.Response, sent: boolean): void {
  expect(res.status).toBe(401);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(res.text) as { status: number; title: string; detail: string };
  expect(problem).toMatchObject({ status: 401, title: 'Unauthorized' });
  expect(problem.detail).toContain('X-Flowtwin-Control-Token header');
  expect(problem.detail).toContain('flowtwin_control cookie');
  expect(problem.detail).toContain(sent ? 'is not this flowtwin' : 'needs its control token');
  expect(res.text).not.toContain(TOKEN);
}

/** Operations anyone may call: probes, and the redirects that only point to the dashboard. */
const OPEN = ['GetControlRoot', 'GetFavicon', 'GetHealth'];

describe('a flowtwin started with a control token', () => {
  it('lists every control operation but GetHealth and the two redirects as needing the token in its spec', () => {
    const open = operations.filter((op) => !op.responses.has('401')).map((op) => op.operationId);
    expect(open.sort()).toEqual(OPEN);
    expect(operations.length).toBeGreaterThan(20);
  });

  it.each(operations.filter((op) => !OPEN.includes(op.operationId)).map((op) => [op.operationId, op] as const))(
    'refuses %s without the token, and with a wrong one, in problem+json',
    async (operationId, op) => {
      const path = pathOf(op.path);
      const bare = await request(ft.app)[op.method](path).set(DD);
      expectRefused(conforms(operationId, bare), false);
      const wrong = await request(ft.app)[op.method](path).set(HEADER, `${TOKEN}x`);
      expectRefused(conforms(operationId, wrong), true);
      const cookie = await request(ft.app)
        [op.method](path)
        .set('Cookie', `flowtwin_control=${TOKEN.slice(1)}`);
      expectRefused(conforms(operationId, cookie), true);
    },
  );

  it('refuses a path no operation has, so an unknown route reveals nothing', async () => {
    expectRefused(await request(ft.app).get('/__flowtwin/nothing-here'), false);
  });

  it('leads /__flowtwin, /__flowtwin/ and /favicon.ico to the dashboard without the token, keeping the query', async () => {
    for (const [path, location] of [
      ['/__flowtwin', '/__flowtwin/ui'],
      ['/__flowtwin/', '/__flowtwin/ui'],
      [`/__flowtwin?token=${TOKEN}`, `/__flowtwin/ui?token=${TOKEN}`],
    ]) {
      const res = conforms('GetControlRoot', await request(ft.app).get(path!));
      expect([res.status, res.headers.location]).toEqual([302, location]);
    }
    const icon = conforms('GetFavicon', await request(ft.app).get('/favicon.ico'));
    expect([icon.status, icon.headers.location]).toEqual([301, '/__flowtwin/ui/favicon.svg']);
    const svg = conforms(
      'GetDashboardAsset',
      await request(ft.app).get('/__flowtwin/ui/favicon.svg').set(HEADER, TOKEN),
    );
    expect([svg.status, svg.headers['content-type']]).toEqual([200, 'image/svg+xml']);
    expect(svg.body.toString()).toContain('<svg');
  });

  it('keeps GET /__flowtwin/health open (readiness probes, load balancers)', async () => {
    const res = conforms('GetHealth', await request(ft.app).get('/__flowtwin/health'));
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
  });

  it('lets a call with the header through, and a refused call changes nothing', async () => {
    const before = (await request(ft.app).get('/__flowtwin/clock').set(HEADER, TOKEN)).body as {
      now: number;
      frozen: boolean;
    };
    await request(ft.app).post('/__flowtwin/clock/freeze').expect(401);
    await request(ft.app).post('/__flowtwin/clock/advance').send({ ms: 3_600_000 }).expect(401);
    const after = conforms('GetClock', await request(ft.app).get('/__flowtwin/clock').set(HEADER, TOKEN));
    expect(after.status).toBe(200);
    expect(after.body.frozen).toBe(before.frozen);
    expect(after.body.now - before.now).toBeLessThan(60_000);

    const frozen = conforms('FreezeClock', await request(ft.app).post('/__flowtwin/clock/freeze').set(HEADER, TOKEN));
    expect(frozen.body.frozen).toBe(true);
    const advanced = conforms(
      'AdvanceClock',
      await request(ft.app).post('/__flowtwin/clock/advance').set(HEADER, TOKEN).send({ ms: 1000 }),
    );
    expect(advanced.body.now).toBe(frozen.body.now + 1000);
  });

  it('trades ?token= on the dashboard for an HttpOnly SameSite=Strict cookie, then redirects to drop it from the address', async () => {
    const res = conforms(
      'GetDashboard',
      await request(ft.app).get(`/__flowtwin/ui?token=${encodeURIComponent(TOKEN)}`),
    );
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/__flowtwin/ui');
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(new RegExp(`^flowtwin_control=${TOKEN};`));
    expect(setCookie).toContain('Path=/__flowtwin');
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');

    const cookie = setCookie.split(';')[0]!;
    const page = conforms(
      'GetDashboard',
      await request(ft.app).get('/__flowtwin/ui').set('Cookie', `other=1; ${cookie}`),
    );
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const clock = conforms('GetClock', await request(ft.app).get('/__flowtwin/clock').set('Cookie', cookie));
    expect(clock.status).toBe(200);
    const journal = conforms('ListJournal', await request(ft.app).get('/__flowtwin/journal').set('Cookie', cookie));
    expect(journal.status).toBe(200);
  });

  it('sets no cookie for a wrong ?token=', async () => {
    const res = conforms('GetDashboard', await request(ft.app).get('/__flowtwin/ui?token=guess'));
    expectRefused(res, true);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('leaves the vendor APIs to their own credentials', async () => {
    const res = await request(ft.app).get('/api/v2/workflows').set(DD);
    expect(res.status).toBe(200);
    const refused = await request(ft.app).get('/api/v2/workflows');
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ errors: ['Forbidden'] });
  });
});

describe('which listen addresses count as loopback (no token made up)', () => {
  it.each(['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '::1', '[::1]', '::ffff:127.0.0.1'])(
    '%s is loopback',
    (host) => expect(isLoopbackHost(host)).toBe(true),
  );
  it.each(['0.0.0.0', '::', '', '10.0.0.7', '192.168.1.2', 'example.test', '127.0.0.1.nip.io', '128.0.0.1'])(
    '%j is not',
    (host) => expect(isLoopbackHost(host)).toBe(false),
  );
});

describe('the testing helpers with a control token', () => {
  it("startFlowtwin's control client sends the token; a client without it gets 401, the event stream included", async () => {
    await using started = await startFlowtwin({ seed: false, controlToken: TOKEN });
    expect(started.controlToken).toBe(TOKEN);
    expect((await started.control.clock.freeze()).frozen).toBe(true);
    const stream = await started.control.events.open();
    await stream.close();

    const stranger = controlClient(started.url);
    const refusal = await stranger.events.open().catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(FlowtwinControlError);
    expect((refusal as FlowtwinControlError).status).toBe(401);
    await expect(stranger.clock.get()).rejects.toMatchObject({ status: 401 });
    expect((await stranger.health()).status).toBe('ok');
    const friend = controlClient(started.url, { controlToken: TOKEN });
    expect((await friend.clock.get()).frozen).toBe(true);
  });

  it('startFlowtwin on a non-loopback host makes up a token and its client uses it; false opts out', async () => {
    await using guarded = await startFlowtwin({ seed: false, host: '0.0.0.0' });
    expect(guarded.controlToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const port = new URL(guarded.url).port;
    expect((await fetch(`http://127.0.0.1:${port}/__flowtwin/clock`)).status).toBe(401);
    expect((await guarded.control.clock.get()).speed).toBe(1);

    await using open = await startFlowtwin({ seed: false, host: '0.0.0.0', controlToken: false });
    expect(open.controlToken).toBeUndefined();
    expect((await fetch(`http://127.0.0.1:${new URL(open.url).port}/__flowtwin/clock`)).status).toBe(200);
  });
});

describe('the dashboard without its token', () => {
  it('shows a browser a page that says how to pass the token, and keeps problem+json for other clients', async () => {
    const page = conforms(
      'GetDashboard',
      await request(ft.app).get('/__flowtwin/ui').set('Accept', 'text/html,application/xhtml+xml,*/*;q=0.8'),
    );
    expect(page.status).toBe(401);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('/__flowtwin/ui?token=&lt;token&gt;');
    expect(page.text).toContain('FLOWTWIN_CONTROL_TOKEN');
    expect(page.text).not.toContain(TOKEN);
    const wrong = await request(ft.app)
      .get('/__flowtwin/ui')
      .set('Accept', 'text/html')
      .set('Cookie', 'flowtwin_control=nope');
    expect(wrong.text).toContain('is not this flowtwin');
    expectRefused(
      conforms('GetDashboard', await request(ft.app).get('/__flowtwin/ui').set('Accept', 'application/json')),
      false,
    );
  });
});
