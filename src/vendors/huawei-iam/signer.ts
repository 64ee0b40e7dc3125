// Huawei Cloud's SDK-HMAC-SHA256 request signature, computed exactly as the SDK's own signer
// (huaweicloud-sdk-core auth/AKSKSigner.ts; VENDOR-FACTS B2) so a signature can be verified here.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const ALGORITHM = 'SDK-HMAC-SHA256';
const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');

export interface SignableRequest {
  method: string;
  /** Path as sent on the wire, without the query. */
  path: string;
  query: Record<string, string | string[] | undefined>;
  /** Lower-case names. */
  headers: Record<string, string | string[] | undefined>;
  body?: Buffer | string;
}

export interface AuthorizationHeader {
  accessKey: string;
  signedHeaders: string[];
  signature: string;
}

/** Unreserved characters stay; everything else is %XX upper-case over UTF-8. */
export function encodeComponent(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalUri(path: string): string {
  const encoded = path
    .split('/')
    .map((segment) => encodeComponent(segment))
    .join('/');
  return encoded.endsWith('/') ? encoded : `${encoded}/`;
}

function canonicalQuery(query: SignableRequest['query']): string {
  return Object.keys(query)
    .sort()
    .flatMap((key) => {
      const value = query[key];
      if (value === undefined) return [];
      const values = Array.isArray(value) ? [...value].sort() : [value];
      return values.map((v) => `${encodeComponent(key)}=${encodeComponent(String(v))}`);
    })
    .join('&');
}

function headerValue(headers: SignableRequest['headers'], name: string): string {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : (v ?? '');
}

export function canonicalRequest(req: SignableRequest, signedHeaders: string[]): string {
  const contentSha = headerValue(req.headers, 'x-sdk-content-sha256');
  const hasBody = req.body !== undefined && req.body.length > 0;
  const payloadHash = contentSha || (hasBody ? createHash('sha256').update(req.body!).digest('hex') : EMPTY_SHA256);
  const canonicalHeaders = signedHeaders.map((name) => `${name}:${headerValue(req.headers, name)}\n`).join('');
  return [
    req.method.toUpperCase(),
    canonicalUri(req.path),
    canonicalQuery(req.query),
    canonicalHeaders,
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
}

export function sign(req: SignableRequest, signedHeaders: string[], secretKey: string): string {
  const sdkDate = headerValue(req.headers, 'x-sdk-date');
  const hashed = createHash('sha256').update(canonicalRequest(req, signedHeaders)).digest('hex');
  const stringToSign = `${ALGORITHM}\n${sdkDate}\n${hashed}`;
  return createHmac('sha256', secretKey).update(stringToSign).digest('hex');
}

/** `SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<a;b>, Signature=<hex>`, or undefined if malformed. */
export function parseAuthorization(value: string): AuthorizationHeader | undefined {
  const m = /^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(
    value.trim(),
  );
  if (!m) return undefined;
  return { accessKey: m[1]!, signedHeaders: m[2]!.split(';'), signature: m[3]! };
}

export function signatureMatches(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'hex');
  const b = Buffer.from(given, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** X-Sdk-Date is YYYYMMDDTHHMMSSZ (UTC); undefined when malformed. */
export function parseSdkDate(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  return Number.isNaN(ms) ? undefined : ms;
}
