// Runs a vendor's contract cases against a base URL and collects the findings into a report.
import { loadSpec } from '../spec/load.js';
import { compileSpec } from '../spec/operations.js';
import type { CaseContext, ContractCase } from './case.js';
import { ContractHttp, type Authenticator } from './http.js';
import type { ContractReport } from './types.js';
import { datadogCases } from './vendors/datadog.js';
import { secmasterCases } from './vendors/secmaster.js';

export interface ContractVendor {
  spec: string;
  cases: ContractCase[];
}

export const CONTRACT_VENDORS: Record<string, ContractVendor> = {
  datadog: { spec: 'datadog-workflow-automation.yaml', cases: datadogCases },
  secmaster: { spec: 'huawei-secmaster-playbooks.yaml', cases: secmasterCases },
};

export interface ContractOptions {
  vendor: string;
  target: string;
  authenticate: Authenticator;
  /** Execute and cancel (retry, terminate) runs of the named resources. Off by default. */
  allowWrites?: boolean;
  resources?: Record<string, string | undefined>;
  strictFields?: boolean;
  /** How long a law may wait for the target to reach a state (real vendors move in real time). */
  pollBudgetMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

export async function runContract(options: ContractOptions): Promise<ContractReport> {
  const vendor = CONTRACT_VENDORS[options.vendor];
  if (!vendor) throw new Error(`unknown vendor "${options.vendor}"; known: ${Object.keys(CONTRACT_VENDORS).join(', ')}`);
  const now = options.now ?? Date.now;
  const started = now();
  const http = new ContractHttp({
    baseUrl: options.target,
    spec: compileSpec(loadSpec(vendor.spec)),
    authenticate: options.authenticate,
    ...(options.strictFields ? { strictFields: true } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const resources = { ...options.resources };
  const ctx: CaseContext = {
    http,
    resources,
    check(check, ok, d) {
      http.record({ check, outcome: ok ? 'pass' : 'fail', message: d.message, ...(d.expected !== undefined ? { expected: d.expected } : {}), ...(d.seen !== undefined ? { seen: d.seen } : {}), ...(d.exchange ? { request: d.exchange.request } : {}) });
      return ok;
    },
    async eventually(read, done, budgetMs = options.pollBudgetMs ?? 10_000) {
      const deadline = now() + budgetMs;
      let value = await read();
      while (!done(value) && now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        value = await read();
      }
      return value;
    },
  };
  for (const c of vendor.cases) {
    http.currentCase = c.name;
    const missing = (c.needs ?? []).filter((n) => !resources[n]);
    if (c.writes && !options.allowWrites) {
      http.record({ check: `${c.kind}.skipped`, outcome: 'skip', message: 'writes to the target; run with --allow-writes to include it' });
    } else if (missing.length > 0) {
      http.record({ check: `${c.kind}.skipped`, outcome: 'skip', message: `needs ${missing.join(', ')}, which was neither given nor found` });
    } else {
      try {
        await c.run(ctx);
      } catch (err) {
        http.record({ check: `${c.kind}.case-crashed`, outcome: 'fail', message: `the case could not finish: ${(err as Error).message}` });
      }
    }
  }
  const findings = http.findings;
  return {
    vendor: options.vendor,
    target: options.target,
    startedAt: new Date(started).toISOString(),
    durationMs: now() - started,
    findings,
    passed: !findings.some((f) => f.outcome === 'fail'),
  };
}
