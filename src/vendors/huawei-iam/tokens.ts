// IAM tokens issued by the fake IAM and honoured by every Huawei service flowtwin fakes. Only a
// hash of the token is stored, so a store dump shows no usable credential.
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../engine/clock.js';
import type { Store } from '../../store/store.js';

export const TOKEN_KIND = 'huawei.iam.token';
/** Tokens are global (IAM is not per project); they are stored under this tenant. */
export const IAM_TENANT = 'huawei-iam';
export const TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

export interface StoredToken {
  projectId: string;
  projectName: string;
  userName: string;
  domainName: string;
  issuedAt: number;
  expiresAt: number;
}

const tokenKey = (token: string): string => createHash('sha256').update(token).digest('hex');

export async function issueToken(
  store: Store,
  clock: Clock,
  subject: Omit<StoredToken, 'issuedAt' | 'expiresAt'>,
): Promise<{ token: string; record: StoredToken }> {
  const token = `MIIFT${randomBytes(48).toString('base64url')}`;
  const issuedAt = clock.now();
  const record: StoredToken = { ...subject, issuedAt, expiresAt: issuedAt + TOKEN_TTL_MS };
  await store.create({
    kind: TOKEN_KIND,
    tenant: IAM_TENANT,
    id: tokenKey(token),
    createdAt: issuedAt,
    version: 1,
    data: record,
  });
  return { token, record };
}

export async function findToken(store: Store, token: string): Promise<StoredToken | undefined> {
  return (await store.get<StoredToken>(TOKEN_KIND, IAM_TENANT, tokenKey(token)))?.data;
}
