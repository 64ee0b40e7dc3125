// https: a generated certificate for localhost a client can be told to trust, or the user's own pair.
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { X509Certificate } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { serve, type RunningFlowtwin } from '../../src/serve.js';
import { readTlsFiles, selfSignedIdentity } from '../../src/http/tls.js';

const running: RunningFlowtwin[] = [];
afterEach(async () => {
  for (const ft of running.splice(0)) await ft.stop();
});

/** GET over https trusting only `ca`: what a client given NODE_EXTRA_CA_CERTS does. */
function get(url: string, ca: string | Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, headers: { 'DD-API-KEY': 'k', 'DD-APPLICATION-KEY': 'a' } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('serve over https', () => {
  it('makes up a certificate for localhost and 127.0.0.1, written where a client can trust it', async () => {
    const ft = await serve({ port: 0, tls: 'self-signed' });
    running.push(ft);
    expect(ft.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(ft.tls).toMatchObject({
      generated: true,
      certFile: expect.stringMatching(/flowtwin-\d+-[0-9a-f]{8}-cert\.pem$/),
    });
    const pem = readFileSync(ft.tls!.certFile!, 'utf8');
    const cert = new X509Certificate(pem);
    expect(cert.subjectAltName).toContain('DNS:localhost');
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(cert.ca).toBe(false);
    const port = new URL(ft.url).port;
    // Verified against the written file, by IP and by name.
    expect((await get(`${ft.url}/__flowtwin/health`, pem)).status).toBe(200);
    expect((await get(`https://localhost:${port}/api/v2/workflows`, pem)).status).toBe(200);
    // A client that trusts nothing extra refuses it, as it should a self-signed certificate.
    await expect(get(`${ft.url}/__flowtwin/health`, [] as unknown as string)).rejects.toThrow(
      /self-signed|self signed/,
    );
  });

  it("serves the user's certificate and key, and names a file that is not PEM", async () => {
    const first = await serve({ port: 0, tls: 'self-signed' });
    running.push(first);
    const certFile = first.tls!.certFile!;
    const given = await serve({ port: 0, tls: { cert: first.tls!.cert, key: first.tls!.key } });
    running.push(given);
    expect(given.tls).toMatchObject({ generated: false });
    expect((await get(`${given.url}/__flowtwin/health`, readFileSync(certFile))).status).toBe(200);
    expect(() => readTlsFiles(certFile, 'package.json')).toThrow('the TLS key package.json is not PEM');
    expect(() => readTlsFiles('no-such.pem', certFile)).toThrow(/cannot read the TLS certificate no-such.pem/);
  });

  it('names the host it serves on in the certificate too, but not a wildcard address', async () => {
    const san = async (host: string) => new X509Certificate((await selfSignedIdentity(host)).cert).subjectAltName!;
    expect(await san('flowtwin.test')).toMatch(/DNS:localhost, DNS:flowtwin\.test, IP Address:127\.0\.0\.1/);
    expect(await san('10.1.2.3')).toContain('IP Address:10.1.2.3');
    expect(await san('0.0.0.0')).not.toContain('0.0.0.0');
    expect(await san('::')).toBe(await san('localhost'));
  });
});
