// What interceptVendors does to the rest of the network, and what restore() leaves behind. The
// "other host" is always a server of this test on 127.0.0.1: no test reaches beyond loopback.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { interceptVendors, type Interception } from '../../src/testing/index.js';

let ic: Interception | undefined;
let server: Server;
let other = '';
let received = 0;

beforeAll(async () => {
  server = createServer((_req, res) => {
    received++;
    res.end('local answer');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  other = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
afterEach(async () => {
  await ic?.restore();
  ic = undefined;
  received = 0;
  vi.restoreAllMocks();
});

const vendorCall = () => fetch('https://api.datadoghq.com/api/v2/workflows', { headers: { 'DD-API-KEY': 'k', 'DD-APPLICATION-KEY': 'a' } });

describe('interceptVendors: requests to other hosts', () => {
  it("refuses them by default (unmatched: 'error'), and they never leave the process", async () => {
    ic = await interceptVendors({ seed: false });
    const err = await fetch(`${other}/anything`).catch((e: unknown) => e as Error);
    expect(String((err as Error & { cause?: Error }).cause?.message)).toMatch(/^Nock: Disallowed net connect for "127\.0\.0\.1:\d+\/anything"/);
    expect(received).toBe(0);
    expect((await vendorCall()).status).toBe(200);
  });

  it('lets the hosts in allow through in error mode, and no others', async () => {
    const host = new URL(other).host;
    ic = await interceptVendors({ seed: false, allow: [host] });
    expect(await (await fetch(other)).text()).toBe('local answer');
    ic && (await ic.restore());
    ic = await interceptVendors({ seed: false, allow: [/^localhost:/] });
    await expect(fetch(other)).rejects.toThrow();
    expect(received).toBe(1);
  });

  it("'warn' lets them through and says so once per host", async () => {
    const warnings: string[] = [];
    ic = await interceptVendors({ seed: false, unmatched: 'warn', warn: (m) => void warnings.push(m) });
    expect(await (await fetch(`${other}/a`)).text()).toBe('local answer');
    expect(await (await fetch(`${other}/b`)).text()).toBe('local answer');
    expect(received).toBe(2);
    expect(warnings).toEqual([`flowtwin interceptVendors: ${new URL(other).host} is not a vendor host flowtwin fakes; letting the request through (unmatched: 'warn')`]);
    expect((await vendorCall()).status).toBe(200);
    expect(warnings).toHaveLength(1);
  });

  it("'warn' writes to console.warn unless told otherwise", async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    ic = await interceptVendors({ seed: false, unmatched: 'warn' });
    await fetch(other);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toContain('is not a vendor host flowtwin fakes');
  });

  it("'bypass' lets them through silently", async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    ic = await interceptVendors({ seed: false, unmatched: 'bypass' });
    expect(await (await fetch(other)).text()).toBe('local answer');
    expect(received).toBe(1);
    expect(warn).not.toHaveBeenCalled();
    expect((await vendorCall()).status).toBe(200);
  });
});

describe('interceptVendors: restore()', () => {
  it('removes exactly the interceptors it added; a suite\'s own nock interceptors stay', async () => {
    const own = nock('https://example.test').get('/mine').reply(200, 'mine');
    const before = nock.activeMocks();
    ic = await interceptVendors({ seed: false });
    expect(nock.activeMocks().length).toBeGreaterThan(before.length);
    await ic.restore();
    ic = undefined;
    expect(nock.activeMocks()).toEqual(before);
    expect(nock.pendingMocks()).toEqual(['GET https://example.test:443/mine']);
    expect(await (await fetch('https://example.test/mine')).text()).toBe('mine');
    expect(own.isDone()).toBe(true);
    expect(nock.activeMocks()).toEqual([]);
  });

  it('lets the network through again, and vendor hosts are no longer answered by flowtwin', async () => {
    ic = await interceptVendors({ seed: false });
    await expect(fetch(other)).rejects.toThrow();
    await ic.restore();
    ic = undefined;
    expect(await (await fetch(other)).text()).toBe('local answer');
    // Refuse the network to prove the vendor host is no longer answered, without calling it.
    nock.disableNetConnect();
    try {
      const err = await vendorCall().catch((e: unknown) => e as Error & { cause?: Error });
      expect(String((err as Error & { cause?: Error }).cause?.message)).toMatch(/Disallowed net connect for "api\.datadoghq\.com:443/);
    } finally {
      nock.enableNetConnect();
    }
  });

  it('closes the in-process flowtwin, and a second restore() is harmless', async () => {
    ic = await interceptVendors({ seed: false });
    const close = vi.spyOn(ic.flowtwin, 'close');
    const events = await ic.control.events.open();
    await ic.restore();
    await ic.restore();
    await expect(events.next(undefined, { timeoutMs: 500 })).rejects.toThrow(/closed/);
    expect(close).toHaveBeenCalledTimes(1);
  });

  it('allows one interception at a time (a failed start holds none); another can start after restore()', async () => {
    await expect(interceptVendors({ frozenAt: 'not a time' })).rejects.toThrow(/frozenAt/);
    const [first, second] = await Promise.allSettled([interceptVendors({ seed: false }), interceptVendors({ seed: false })]);
    expect(second).toMatchObject({ status: 'rejected', reason: { message: expect.stringMatching(/already active/) } });
    ic = (first as PromiseFulfilledResult<Interception>).value;
    await expect(interceptVendors()).rejects.toThrow(/already active/);
    await ic.restore();
    {
      await using again = await interceptVendors({ seed: false });
      expect((await again.control.health()).status).toBe('ok');
    }
    await expect(fetch(other)).resolves.toBeDefined();
  });
});
