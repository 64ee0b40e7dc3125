// https for clients that insist on it (both vendors' SDKs default to https): a certificate the user
// gives, or one made up at start for localhost, written to a file the client can be told to trust.
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import selfsigned from 'selfsigned';

export interface TlsFiles {
  cert: string | Buffer;
  key: string | Buffer;
}

export interface TlsIdentity extends TlsFiles {
  /**
   * Where the generated certificate was written (for NODE_EXTRA_CA_CERTS, curl --cacert);
   * given ones stay where they are.
   */
  certFile?: string;
  generated: boolean;
}

/** Reads a PEM pair, naming the file that cannot be read or is not PEM. */
export function readTlsFiles(certPath: string, keyPath: string): TlsFiles {
  const read = (path: string, what: string, marker: RegExp): string => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new Error(`cannot read the TLS ${what} ${path}: ${(err as Error).message}`, { cause: err });
    }
    if (!marker.test(text)) throw new Error(`the TLS ${what} ${path} is not PEM (no "-----BEGIN ...-----" line)`);
    return text;
  };
  return {
    cert: read(certPath, 'certificate', /-----BEGIN CERTIFICATE-----/),
    key: read(keyPath, 'key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/),
  };
}

/**
 * A certificate for localhost, 127.0.0.1 and ::1 (and `host` when it is another name), valid for 30
 * days from now: what a local https endpoint needs, with nothing to install first.
 */
export async function selfSignedIdentity(host: string): Promise<TlsIdentity> {
  // A wildcard address is where it listens, not a name a client uses.
  const own = host === '0.0.0.0' || host === '::' ? [] : [host];
  const names = new Set(['localhost', ...own.filter((h) => isIP(h) === 0)]);
  const ips = new Set(['127.0.0.1', '::1', ...own.filter((h) => isIP(h) !== 0)]);
  const now = new Date();
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: new Date(now.getTime() + 30 * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          ...[...names].map((value) => ({ type: 2 as const, value })),
          ...[...ips].map((ip) => ({ type: 7 as const, ip })),
        ],
      },
    ],
  });
  // One file per server: two in one process (tests) must not overwrite each other's.
  const certFile = join(tmpdir(), `flowtwin-${process.pid}-${randomUUID().slice(0, 8)}-cert.pem`);
  writeFileSync(certFile, pems.cert);
  return { cert: pems.cert, key: pems.private, certFile, generated: true };
}
