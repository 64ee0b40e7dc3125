import { describe, expect, it } from 'vitest';
import { canonicalRequest, parseAuthorization, parseSdkDate, sign } from '../../../src/vendors/huawei-iam/signer.js';

// The test vectors of VENDOR-FACTS B2, produced with the SDK's own signer.
const SK = 'TESTSKabcdefghijklmnopqrstuvwxyz0123';
const PROJECT = '0123456789abcdef0123456789abcdef';
const headers = { 'content-type': 'application/json', host: 'localhost:8080', 'x-project-id': PROJECT, 'x-sdk-date': '20260101T000000Z' };
const SIGNED = ['content-type', 'host', 'x-project-id', 'x-sdk-date'];
const base = `/v1/${PROJECT}/workspaces/ws-uuid-0001/soc/playbooks/instances`;

describe('SDK-HMAC-SHA256 signer', () => {
  it('matches the SDK on a GET with a query (vector 1)', () => {
    const req = { method: 'GET', path: base, query: { limit: '10', offset: '0', status: 'RUNNING', name: 'a b' }, headers };
    expect(canonicalRequest(req, SIGNED).split('\n')[2]).toBe('limit=10&name=a%20b&offset=0&status=RUNNING');
    expect(sign(req, SIGNED, SK)).toBe('9fce584059f3079f19b3b9b44bfe084aee3b5eec0b63f3bab71f1817428926ab');
  });

  it('matches the SDK on a POST with a JSON body (vector 2)', () => {
    const req = { method: 'POST', path: `${base}/11111111-2222-3333-4444-555555555555/operation`, query: {}, headers, body: JSON.stringify({ operation: 'TERMINATE' }) };
    expect(sign(req, SIGNED, SK)).toBe('87f8b31eb2744f68879e19d172000b9ed311f7f0396db5622c7aca166fc2fce7');
  });

  it('gives another signature when one byte of the body changes', () => {
    const req = { method: 'POST', path: `${base}/x/operation`, query: {}, headers, body: '{"operation":"TERMINATE"}' };
    expect(sign({ ...req, body: '{"operation":"TERMINATF"}' }, SIGNED, SK)).not.toBe(sign(req, SIGNED, SK));
  });

  it('parses a well-formed Authorization header and refuses malformed ones', () => {
    const sig = 'a'.repeat(64);
    expect(parseAuthorization(`SDK-HMAC-SHA256 Access=AK1, SignedHeaders=content-type;host, Signature=${sig}`)).toEqual({
      accessKey: 'AK1',
      signedHeaders: ['content-type', 'host'],
      signature: sig,
    });
    for (const bad of ['Bearer x', `SDK-HMAC-SHA256 Access=AK1, Signature=${sig}`, 'SDK-HMAC-SHA256 Access=AK1, SignedHeaders=host, Signature=xyz']) {
      expect(parseAuthorization(bad)).toBeUndefined();
    }
  });

  it('reads X-Sdk-Date as UTC and refuses other shapes', () => {
    expect(parseSdkDate('20260101T000000Z')).toBe(Date.UTC(2026, 0, 1));
    expect(parseSdkDate('2026-01-01T00:00:00Z')).toBeUndefined();
  });
});
