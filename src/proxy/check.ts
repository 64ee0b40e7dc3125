// Judges one exchange against the vendor's spec, with the checks verify-har runs on recordings, and
// says each broken promise as one line a person can grep.
import { checkResponse } from '../contract/har.js';
import { decodedBody, parsedBody, responseContentType, type Exchange } from './exchange.js';
import { matchRoute, PROXY_VENDORS, type RouteMatch, type VendorSpec } from './vendors.js';

export interface ExchangeVerdict {
  route?: RouteMatch;
  /** The response body as JSON (or text); undefined when there is none or it cannot be decoded. */
  body: unknown;
  lines: string[];
}

export function judge(specs: VendorSpec[], exchange: Exchange): ExchangeVerdict {
  const { method, status } = exchange;
  const path = exchange.url.pathname;
  const route = matchRoute(specs, method, path);
  const decoded = decodedBody(exchange);
  const body = parsedBody(decoded);
  if (!route) {
    const where =
      specs.length === 1
        ? `the ${specs[0]!.vendor} spec (${PROXY_VENDORS[specs[0]!.vendor]})`
        : `any spec (${specs.map((s) => s.vendor).join(', ')})`;
    return { body, lines: [`undocumented route ${method} ${path} ${status}: no operation of ${where} matches`] };
  }
  const prefix = `spec violation: ${route.op.operationId} ${method} ${path} ${status}`;
  if (decoded === undefined)
    return {
      route,
      body,
      lines: [`${prefix}: the body could not be decoded (Content-Encoding), so it was not checked`],
    };
  const contentType = responseContentType(exchange);
  const { violations, undocumented } = checkResponse(
    route.spec,
    route.op,
    status,
    body === undefined ? undefined : contentType,
    body,
  );
  return {
    route,
    body,
    lines: [
      ...violations.map((v) => `${prefix}: ${v.message}`),
      ...undocumented.map((f) => `${prefix}: undocumented field ${f}`),
    ],
  };
}
