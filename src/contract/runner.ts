// Runs a vendor's contract cases against a base URL and collects the findings into a report.
import { loadSpec } from '../spec/load.js';
import { compileSpec } from '../spec/operations.js';
import type { CaseContext, ContractCase } from './case.js';
import { ContractHttp, type Authenticator } from './http.js';
import type { ContractReport } from './types.js';
import { datadogCases } from './vendors/datadog.js';
import { secmasterCases } from './vendors/secmaster.js';
import { secmasterPlaybookCases } from './vendors/secmaster-playbooks.js';

export interface ContractVendor {
  spec: string;
  cases: ContractCase[];
}

export const CONTRACT_VENDORS: Record<string, ContractVendor> = {
  datadog: { spec: 'datadog-workflow-automation.yaml', cases: datadogCases },
  secmaster: { spec: 'huawei-secmaster-playbooks.yaml', cases: [...secmasterCases, ...secmasterPlaybookCases] },
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

/**
 * --allow-writes without naming what may be written: refused before any request. Against a real
 * org, a write case run on a resource the suite found itself (the first workflow listed) would
 * execute a production workflow nobody chose.
 */
export class UnnamedWriteTargets extends Error {
  override readonly name = 'UnnamedWriteTargets';
  constructor(
    readonly vendor: string,
    /** Resource names (e.g. workflowId) the write cases need and the caller did not give. */
    readonly missing: string[],
  ) {
    super(
      `allowWrites needs the resources its write cases touch named by the caller (${missing.join(', ')}); ` +
        'nothing the suite finds by itself is ever written',
    );
  }
}

/** The resources given with a value: the only ones write cases may touch. */
const namedResources = (resources: ContractOptions['resources']): Record<string, string> =>
  Object.fromEntries(
    Object.entries(resources ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''),
  );

/** What the vendor's write cases need that `resources` does not name; empty when writes may run. */
export function unnamedWriteTargets(vendorName: string, resources: ContractOptions['resources']): string[] {
  const vendor = CONTRACT_VENDORS[vendorName];
  if (!vendor) return [];
  const named = namedResources(resources);
  const needed = new Set(vendor.cases.filter((c) => c.writes).flatMap((c) => c.needs ?? []));
  return [...needed].filter((n) => !named[n]);
}

export async function runContract(options: ContractOptions): Promise<ContractReport> {
  const vendor = CONTRACT_VENDORS[options.vendor];
  if (!vendor)
    throw new Error(`unknown vendor "${options.vendor}"; known: ${Object.keys(CONTRACT_VENDORS).join(', ')}`);
  const missingTargets = options.allowWrites ? unnamedWriteTargets(options.vendor, options.resources) : [];
  if (missingTargets.length > 0) throw new UnnamedWriteTargets(options.vendor, missingTargets);
  const named = namedResources(options.resources);
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
      http.record({
        check,
        outcome: ok ? 'pass' : 'fail',
        message: d.message,
        ...(d.expected !== undefined ? { expected: d.expected } : {}),
        ...(d.seen !== undefined ? { seen: d.seen } : {}),
        ...(d.exchange ? { request: d.exchange.request } : {}),
      });
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
    // A write case sees only what the caller named (a fresh copy), never what read cases found.
    const scope = c.writes ? { ...named } : resources;
    const missing = (c.needs ?? []).filter((n) => !scope[n]);
    if (c.writes && !options.allowWrites) {
      http.record({
        check: `${c.kind}.skipped`,
        outcome: 'skip',
        message: 'writes to the target; run with --allow-writes to include it',
      });
    } else if (missing.length > 0) {
      http.record({
        check: `${c.kind}.skipped`,
        outcome: 'skip',
        message: `needs ${missing.join(', ')}, which was neither given nor found`,
      });
    } else {
      try {
        await c.run(c.writes ? { ...ctx, resources: scope } : ctx);
      } catch (err) {
        http.record({
          check: `${c.kind}.case-crashed`,
          outcome: 'fail',
          message: `the case could not finish: ${(err as Error).message}`,
        });
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
