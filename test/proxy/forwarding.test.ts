// What goes through the proxy arrives as it left: request line, header case, order and repeats,
// body bytes (a Huawei AK/SK signature still verifies upstream), and the upstream's status line,
// headers and body back. And when the upstream cannot answer, the client gets a 502, not a crash.
import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { BasicCredentials } from '@huaweicloud/huaweicloud-sdk-core';
import { AKSKSigner } from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js';
import { describe, expect, it, vi } from 'vitest';
import { parseAuthorization, sign, signatureMatches } from '../../src/vendors/huawei-iam/signer.js';
import { vendorOfHost } from '../../src/proxy/vendors.js';
import { endToEndOnly, PROJECT, proxyTo, send, SM_BASE, standIn, type Received } from './support.js';

describe('flowtwin proxy forwarding', () => {
  it('sends method, target, headers (case, order, repeats) and body bytes on unchanged, without hop-by-hop headers, with the upstream as Host', async () => {
    const upstream = await standIn(() => ({ status: 204 }));
    const proxy = await proxyTo(upstream.url);
    const body = Buffer.concat([Buffer.from('{"operation" :\t"TERMINATE",\r\n "note": "bloqué ✓"}  '), Buffer.from([0xff, 0x00])]);
    const target = `${SM_BASE}/instances/not-an-id/operation?b=%2B1&a=2&a=1&empty=`;
    await send(proxy.url, 'POST', target, [
      'X-Custom-Case', 'MiXeD  value',
      'X-Dup', 'one',
      'x-dup', 'two',
      'Connection', 'keep-alive, X-Hop',
      'X-Hop', 'for the proxy only',
      'Keep-Alive', 'timeout=5',
      'Proxy-Authorization', 'Basic cHJveHk6cGFzcw==',
      'Content-Type', 'application/json;charset=UTF-8',
      'Content-Length', String(body.length),
    ], body);
    const [got] = upstream.received as [Received];
    expect(got.method).toBe('POST');
    expect(got.url).toBe(target);
    expect(got.body.equals(body)).toBe(true);
    expect(endToEndOnly(got.rawHeaders)).toEqual([
      'Host', new URL(upstream.url).host,
      'X-Custom-Case', 'MiXeD  value',
      'X-Dup', 'one',
      'x-dup', 'two',
      'Content-Type', 'application/json;charset=UTF-8',
      'Content-Length', String(body.length),
    ]);
  });

  it("returns the upstream's status line, headers (repeated Set-Cookie, no Date added) and compressed body bytes unchanged", async () => {
    const zipped = gzipSync(JSON.stringify({ count: 0, instances: [] }));
    const headers = ['X-request-id', 'req-1', 'Set-Cookie', 'a=1; Path=/', 'set-cookie', 'b=2', 'Content-Type', 'application/json', 'Content-Encoding', 'gzip', 'Content-Length', String(zipped.length)];
    const upstream = await standIn(() => ({ status: 200, statusText: 'Fine Thanks', headers, body: zipped }));
    const proxy = await proxyTo(upstream.url, { vendor: 'secmaster' });
    const res = await send(proxy.url, 'GET', `${SM_BASE}/instances?limit=10&offset=0`, ['Accept-Encoding', 'gzip']);
    expect(res.status).toBe(200);
    expect(res.statusText).toBe('Fine Thanks');
    expect(endToEndOnly(res.rawHeaders)).toEqual(headers);
    expect(res.body.equals(zipped)).toBe(true);
    // Judged on the decompressed body: it conforms.
    expect(await proxy.settledLines()).toEqual([]);
  });

  it('keeps a Huawei SDK-HMAC-SHA256 signature valid: the stand-in verifies it over the bytes and headers it receives', async () => {
    const AK = 'PROXYTESTAK';
    const SK = 'proxy-test-sk';
    // The stand-in verifies as the gateway does, from what arrives; a changed byte or header fails it.
    const upstream = await standIn((req) => {
      const url = new URL(req.url, 'http://x');
      const query: Record<string, string[]> = {};
      for (const [k, v] of url.searchParams) (query[k] ??= []).push(v);
      const headers: Record<string, string> = {};
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers[req.rawHeaders[i]!.toLowerCase()] = req.rawHeaders[i + 1]!;
      const auth = parseAuthorization(headers.authorization ?? '');
      const expected = auth && sign({ method: req.method, path: url.pathname, query, headers, body: req.body }, auth.signedHeaders, SK);
      const ok = !!auth && signatureMatches(expected!, auth.signature);
      return ok
        ? { status: 200, headers: ['Content-Type', 'application/json'], body: '{"count":0,"audit_logs":[]}' }
        : { status: 401, headers: ['Content-Type', 'application/json'], body: '{"error_msg":"Incorrect IAM authentication information: verify aksk signature fail","error_code":"APIGW.0301","request_id":"r"}' };
    });
    const proxy = await proxyTo(upstream.url, { vendor: 'secmaster' });
    const path = `${SM_BASE}/instances/auditlogs`;
    const data = { instance_type: 'PLAYBOOK', log_level: 'INFO', input: 'naïve – 東京' };
    // Signed for the upstream, as the SDK signs for the endpoint it is given; sent to the proxy.
    const signed = AKSKSigner.sign(
      { endpoint: `${upstream.url}${path}`, method: 'POST', queryParams: { limit: 10, offset: 0 }, headers: { 'content-type': 'application/json', 'X-Project-Id': PROJECT }, data },
      new BasicCredentials().withAk(AK).withSk(SK),
    ) as Record<string, string>;
    const headers = Object.entries(signed).flatMap(([k, v]) => (k === 'host' ? [] : [k, v]));
    const ok = await send(proxy.url, 'POST', `${path}?limit=10&offset=0`, headers, JSON.stringify(data));
    expect(ok.status).toBe(200);
    // The same headers with the body's bytes re-spaced: the signature covers the body, so this must fail.
    const tampered = await send(proxy.url, 'POST', `${path}?limit=10&offset=0`, headers, JSON.stringify(data, null, 1));
    expect(tampered.status).toBe(401);
    expect(await proxy.settledLines()).toEqual([]);
  });

  it('answers 502 problem+json when the upstream is unreachable, logs it, and keeps serving', async () => {
    const gone = await standIn(() => ({ status: 200 }));
    await gone.close();
    const proxy = await proxyTo(gone.url, { vendor: 'datadog' });
    for (let i = 0; i < 2; i++) {
      const res = await send(proxy.url, 'GET', '/api/v2/workflows');
      expect(res.status).toBe(502);
      expect(res.rawHeaders).toEqual(expect.arrayContaining(['content-type', 'application/problem+json']));
      const problem = JSON.parse(res.body.toString()) as { title: string; status: number; detail: string };
      expect(problem).toMatchObject({ title: 'Bad Gateway', status: 502 });
      expect(problem.detail).toContain(`could not reach the upstream ${gone.url}: connect ECONNREFUSED`);
    }
    const lines = await proxy.settledLines();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^upstream unreachable: GET \/api\/v2\/workflows: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
  });

  it('drops the upstream request when the client goes away first, and blames nobody', async () => {
    let upstreamClosed!: () => void;
    const closed = new Promise<void>((resolve) => (upstreamClosed = resolve));
    const upstream = await standIn((_req, res) => {
      res.on('close', upstreamClosed);
      return undefined; // never answers
    });
    const proxy = await proxyTo(upstream.url, { vendor: 'datadog' });
    const req = http.request(`${proxy.url}/api/v2/workflows`, { agent: false });
    req.on('error', () => undefined);
    req.end();
    await vi.waitFor(() => expect(upstream.received).toHaveLength(1));
    req.destroy();
    await closed;
    expect(await proxy.settledLines()).toEqual([]);
  });

  it('drops the upstream answer when the client goes away while it streams, and blames nobody', async () => {
    let upstreamClosed!: () => void;
    const closed = new Promise<void>((resolve) => (upstreamClosed = resolve));
    const upstream = await standIn((_req, res) => {
      res.on('close', upstreamClosed);
      res.writeHead(200, ['Content-Type', 'application/json', 'Transfer-Encoding', 'chunked']);
      res.write('{"count": 1,');
      return undefined; // never finishes
    });
    const proxy = await proxyTo(upstream.url, { vendor: 'secmaster' });
    const req = http.request(`${proxy.url}${SM_BASE}/instances?limit=10&offset=0`, { agent: false });
    req.on('error', () => undefined);
    req.on('response', (res) => res.once('data', () => req.destroy()));
    req.end();
    await closed;
    expect(await proxy.settledLines()).toEqual([]);
  });

  it('cuts the client off when the upstream breaks off its answer mid-body, and logs it', async () => {
    const upstream = await standIn((_req, res) => {
      // Chunked, so only the missing last chunk tells the client its answer is incomplete.
      res.writeHead(200, ['Content-Type', 'application/json', 'Transfer-Encoding', 'chunked']);
      res.write('{"count": 1, "insta');
      setTimeout(() => res.destroy(), 20);
      return undefined;
    });
    const proxy = await proxyTo(upstream.url, { vendor: 'secmaster' });
    await expect(send(proxy.url, 'GET', `${SM_BASE}/instances?limit=10&offset=0`)).rejects.toThrow();
    expect(await proxy.settledLines()).toEqual([`upstream broke off the response: GET ${SM_BASE}/instances 200`]);
  });
});

describe('vendorOfHost', () => {
  it.each([
    ['api.datadoghq.com', 'datadog'],
    ['api.us5.datadoghq.com', 'datadog'],
    ['api.datadoghq.eu', 'datadog'],
    ['api.ddog-gov.com', 'datadog'],
    ['secmaster.cn-north-4.myhuaweicloud.com', 'secmaster'],
    ['secmaster.ap-southeast-1.myhuaweicloud.com', 'secmaster'],
    ['iam.myhuaweicloud.com', 'huawei-iam'],
    ['iam.cn-north-4.myhuaweicloud.com', 'huawei-iam'],
    ['127.0.0.1', undefined],
    ['notdatadoghq.com', undefined],
    ['api.datadoghq.com.example.org', undefined],
  ])('%s -> %s', (host, vendor) => {
    expect(vendorOfHost(host)).toBe(vendor);
  });
});
