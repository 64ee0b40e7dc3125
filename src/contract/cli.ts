// `flowtwin contract`: run the contract suite against the fake or the real vendor.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { datadogAuthenticator, datadogFromEnv, datadogSiteUrl } from './credentials.js';
import { jsonReport, junitReport, textReport } from './report.js';
import { runContract } from './runner.js';

export const CONTRACT_USAGE = `flowtwin contract --vendor datadog [--target <base URL>] [--allow-writes] [--workflow <id>]
                  [--strict-fields] [--report json:<path>] [--report junit:<path>] [--verbose]

  Credentials come from DD_API_KEY and DD_APP_KEY; --target defaults to https://api.$DD_SITE.
  Read-only unless --allow-writes: then it executes and cancels runs of the --workflow you name.`;

export async function contractCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      vendor: { type: 'string' },
      target: { type: 'string' },
      'allow-writes': { type: 'boolean', default: false },
      workflow: { type: 'string' },
      'strict-fields': { type: 'boolean', default: false },
      report: { type: 'string', multiple: true, default: [] },
      verbose: { type: 'boolean', default: false },
    },
  });
  if (values.vendor !== 'datadog') throw new ContractUsageError(`--vendor must be datadog (secmaster comes next)\n\n${CONTRACT_USAGE}`);
  const reports = values.report.map((r) => {
    const m = /^(json|junit):(.+)$/.exec(r);
    if (!m) throw new ContractUsageError(`--report must be json:<path> or junit:<path>, got "${r}"`);
    return { format: m[1] as 'json' | 'junit', path: m[2]! };
  });
  const credentials = datadogFromEnv();
  if (!credentials) throw new ContractUsageError('set DD_API_KEY and DD_APP_KEY (any non-empty values work against flowtwin)');
  const report = await runContract({
    vendor: 'datadog',
    target: values.target ?? datadogSiteUrl(),
    authenticate: datadogAuthenticator(credentials),
    allowWrites: values['allow-writes'],
    resources: { workflowId: values.workflow },
    strictFields: values['strict-fields'],
  });
  console.log(textReport(report, values.verbose));
  for (const r of reports) writeFileSync(r.path, r.format === 'json' ? jsonReport(report) : junitReport(report));
  return report.passed ? 0 : 1;
}

export class ContractUsageError extends Error {}
