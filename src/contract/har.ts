// Checks recorded traffic (a HAR file from a browser, a proxy or an SDK's recorder) against the
// specs offline, and reports per operation what the spec says and what was seen.
import { loadSpec } from '../spec/load.js';
import { compileSpec, type CompiledSpec, type OperationSpec } from '../spec/operations.js';
import { validateResponse, type ResponseViolation } from '../spec/validate-response.js';
import type { ContractReport, Finding } from './types.js';
import { undocumentedFields } from './undocumented.js';

export const HAR_SPECS = ['datadog-workflow-automation.yaml', 'huawei-secmaster-playbooks.yaml', 'huawei-iam.yaml'];

/** The part of a HAR 1.2 entry verify-har reads. */
export interface HarEntry {
  request: { method: string; url: string };
  response: {
    status: number;
    content?: { mimeType?: string; text?: string; encoding?: string };
    headers?: { name: string; value: string }[];
  };
}

export interface HarOperationSummary {
  operationId: string;
  declared: string[];
  seen: Record<string, number>;
  problems: string[];
  undocumented: string[];
}

export interface HarReport extends ContractReport {
  operations: HarOperationSummary[];
  unmatched: string[];
}

export class HarError extends Error {}

export function verifyHar(har: unknown, options: { strictFields?: boolean; specs?: CompiledSpec[] } = {}): HarReport {
  const entries = (har as { log?: { entries?: HarEntry[] } })?.log?.entries;
  if (!Array.isArray(entries)) throw new HarError('not a HAR document: log.entries is missing');
  const specs = options.specs ?? HAR_SPECS.map((f) => compileSpec(loadSpec(f)));
  const findings: Finding[] = [];
  const summaries = new Map<string, HarOperationSummary>();
  const unmatched: string[] = [];
  for (const [index, entry] of entries.entries()) {
    const url = new URL(entry.request.url);
    const request = `${entry.request.method.toUpperCase()} ${url.pathname}${url.search}`;
    const found = matchOperation(specs, entry.request.method, url.pathname);
    if (!found) {
      unmatched.push(request);
      continue;
    }
    const { spec, op } = found;
    const summary = summaries.get(op.operationId) ?? {
      operationId: op.operationId,
      declared: [...op.responses.keys()],
      seen: {},
      problems: [],
      undocumented: [],
    };
    summaries.set(op.operationId, summary);
    const status = String(entry.response.status);
    summary.seen[status] = (summary.seen[status] ?? 0) + 1;
    const contentType = entry.response.content?.mimeType || header(entry, 'content-type');
    const body = parseBody(entry);
    const { violations, undocumented: extra } = checkResponse(
      spec,
      op,
      entry.response.status,
      body === undefined ? undefined : contentType,
      body,
    );
    const caseName = `entry ${index + 1}: ${op.operationId}`;
    for (const v of violations) {
      const check =
        v.kind === 'status'
          ? 'conformance.status-declared'
          : v.kind === 'media-type'
            ? 'conformance.content-type'
            : 'conformance.schema';
      findings.push({
        check,
        case: caseName,
        outcome: 'fail',
        message: v.message,
        request,
        expected: `declared: ${summary.declared.join(', ')}`,
        seen: `${status} ${contentType ?? ''}`.trim(),
      });
      if (!summary.problems.includes(v.message)) summary.problems.push(v.message);
    }
    if (violations.length === 0) {
      findings.push({
        check: 'conformance.response',
        case: caseName,
        outcome: 'pass',
        message: `${op.operationId} ${status} as declared`,
        request,
      });
      if (extra.length > 0) {
        findings.push({
          check: 'conformance.undocumented-fields',
          case: caseName,
          outcome: options.strictFields ? 'fail' : 'warn',
          message: `${op.operationId} ${status} carries fields the spec does not describe`,
          request,
          seen: extra.join(', '),
        });
        for (const f of extra) if (!summary.undocumented.includes(f)) summary.undocumented.push(f);
      }
    }
  }
  return {
    vendor: 'har',
    target: `${entries.length} recorded entries`,
    startedAt: new Date(0).toISOString(),
    durationMs: 0,
    findings,
    passed: !findings.some((f) => f.outcome === 'fail'),
    operations: [...summaries.values()],
    unmatched,
  };
}

export function driftTable(report: HarReport): string {
  const lines = ['operation | spec declares | seen | problems'];
  for (const s of report.operations) {
    const seen = Object.entries(s.seen)
      .map(([status, n]) => `${status}×${n}`)
      .join(', ');
    const problems = [...s.problems, ...s.undocumented.map((f) => `undocumented field ${f}`)];
    lines.push(
      `${s.operationId} | ${s.declared.join(', ')} | ${seen} | ${problems.length === 0 ? 'none' : problems.join('; ')}`,
    );
  }
  if (report.unmatched.length > 0)
    lines.push(`no operation in the specs for: ${[...new Set(report.unmatched)].join(', ')}`);
  return lines.join('\n');
}

export interface ResponseCheck {
  violations: ResponseViolation[];
  /** Fields the schema does not describe; looked for only when the response keeps the spec's promises. */
  undocumented: string[];
}

/** One response against its operation, as verify-har and the proxy both judge it. */
export function checkResponse(
  spec: CompiledSpec,
  op: OperationSpec,
  status: number,
  contentType: string | undefined,
  body: unknown,
): ResponseCheck {
  const violations = validateResponse(op, status, contentType, body);
  if (violations.length > 0) return { violations, undocumented: [] };
  const pointer = op.responses
    .get(String(status))
    ?.schemas.get((contentType ?? '').split(';')[0]!.trim().toLowerCase());
  return { violations, undocumented: pointer ? undocumentedFields(spec.document, pointer, body) : [] };
}

export function matchOperation(
  specs: CompiledSpec[],
  method: string,
  path: string,
): { spec: CompiledSpec; op: OperationSpec } | undefined {
  for (const spec of specs) {
    // Literal segments win over parameters, as the vendors route (e.g. /playbooks/instances), the
    // vendor's operations flowtwin does not describe included (/playbooks/statistics).
    if (spec.unserved.some((p) => p.test(path))) return undefined;
    const candidates = spec.operations.filter((o) => o.method === method.toLowerCase() && o.pathPattern.test(path));
    const op = candidates.sort((a, b) => a.pathParams.length - b.pathParams.length)[0];
    if (op) return { spec, op };
  }
  return undefined;
}

function parseBody(entry: HarEntry): unknown {
  const content = entry.response.content;
  if (!content?.text) return undefined;
  const text = content.encoding === 'base64' ? Buffer.from(content.text, 'base64').toString('utf8') : content.text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const header = (entry: HarEntry, name: string): string | undefined =>
  entry.response.headers?.find((h) => h.name.toLowerCase() === name)?.value;
