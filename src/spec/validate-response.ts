// Checks a response the fake (or a real vendor) sent against its operation: declared status,
// declared media type, and a body that validates against the declared schema.
import type { OperationSpec } from './operations.js';

export interface ResponseViolation {
  operationId: string;
  status: number;
  /** Which promise of the spec was broken. */
  kind: 'status' | 'media-type' | 'schema';
  message: string;
}

/** An enum's values, so the message says what would have been accepted. */
const allowed = (params: Record<string, unknown>): string =>
  Array.isArray(params.allowedValues) ? ` (${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')})` : '';

export function validateResponse(
  op: OperationSpec,
  status: number,
  contentType: string | undefined,
  body: unknown,
): ResponseViolation[] {
  const declared =
    op.responses.get(String(status)) ?? op.responses.get(`${String(status)[0]}XX`) ?? op.responses.get('default');
  const violation = (kind: ResponseViolation['kind'], message: string): ResponseViolation[] => [
    { operationId: op.operationId, status, kind, message },
  ];
  if (!declared) return violation('status', `status ${status} is not declared for ${op.operationId}`);
  if (declared.mediaTypes.length === 0) {
    return body === undefined
      ? []
      : violation('schema', `status ${status} of ${op.operationId} declares no body, but one was sent`);
  }
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const validate = declared.validators.get(mediaType) ?? (declared.mediaTypes.includes(mediaType) ? undefined : null);
  if (validate === null) {
    return violation(
      'media-type',
      `content type "${mediaType}" is not declared for ${status} of ${op.operationId} ` +
        `(declared: ${declared.mediaTypes.join(', ')})`,
    );
  }
  if (validate && !validate(body)) {
    const details = (validate.errors ?? [])
      .map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${allowed(e.params)}`)
      .join('; ');
    return violation('schema', `body of ${status} from ${op.operationId} does not match its schema: ${details}`);
  }
  return [];
}
