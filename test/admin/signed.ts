// Control calls signed by Huawei's own SDK signer (AKSKSigner), as a suite using the SDK's
// credentials would sign them: X-Sdk-Date, Host, X-Project-Id, the query and the JSON body.
import { BasicCredentials } from '@huaweicloud/huaweicloud-sdk-core';
import { AKSKSigner } from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js';
import { parse } from 'node:querystring';
import { T0 } from '../support/flowtwin.js';

export const AK = 'TESTAK1234567890';
export const SK = 'TESTSKabcdefghijklmnopqrstuvwxyz0123';

/** X-Sdk-Date for T0 + ms: the test harness's wall clock is T0 too. */
export const sdkDate = (ms = 0): string => `${new Date(T0 + ms).toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`;

export interface SignOptions {
  ak?: string;
  sk?: string;
  /** X-Project-Id; null: not sent. */
  projectId?: string | null;
  date?: string;
}

/** The headers the SDK signer gives `method target` (path and query) with this JSON body. */
export function signedHeaders(method: string, target: string, body: unknown, o: SignOptions = {}): Record<string, string> {
  const [path, search] = target.split('?') as [string, string | undefined];
  const headers: Record<string, string> = { 'content-type': 'application/json', 'X-Sdk-Date': o.date ?? sdkDate() };
  if (o.projectId) headers['X-Project-Id'] = o.projectId;
  const credential = new BasicCredentials().withAk(o.ak ?? AK).withSk(o.sk ?? SK);
  const request = { endpoint: `http://localhost:8080${path}`, method: method.toUpperCase(), queryParams: search ? parse(search) : {}, headers, data: body };
  return AKSKSigner.sign(request, credential) as Record<string, string>;
}
