// `flowtwin contract`: run the contract suite against the fake or the real vendor.
import { writeFileSync } from 'node:fs';
import { parseCommandArgs } from '../cli/parse-args.js';
import {
  datadogAuthenticator,
  datadogFromEnv,
  datadogSiteUrl,
  huaweiAuthenticator,
  huaweiFromEnv,
  secmasterRegionUrl,
} from './credentials.js';
import { jsonReport, junitReport, textReport } from './report.js';
import { runContract, unnamedWriteTargets } from './runner.js';
import { driftTable, verifyHar } from './har.js';
import type { ContractReport } from './types.js';
import { readJsonFile } from '../serve.js';

export const CONTRACT_USAGE = `flowtwin contract --vendor datadog|secmaster [--target <base URL>] [--allow-writes]
                  [--workflow <id>] [--workspace <id>] [--instance <id>]
                  [--strict-fields] [--report json:<path>] [--report junit:<path>] [--verbose]

  Datadog: DD_API_KEY and DD_APP_KEY; --target defaults to https://api.$DD_SITE.
  SecMaster: HUAWEICLOUD_SDK_PROJECT_ID with HUAWEICLOUD_SDK_AK and _SK (signed requests) or
  HUAWEICLOUD_SDK_TOKEN; --workspace is required; --target defaults to the $HUAWEICLOUD_SDK_REGION endpoint.
  Read-only unless --allow-writes: then it executes and cancels runs of the --workflow you name
  (Datadog), or retries or terminates the --instance you name (SecMaster); --allow-writes without
  that flag is refused, so nothing the suite merely found is written.`;

export async function contractCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('contract', argv, {
    vendor: { type: 'string' },
    target: { type: 'string' },
    'allow-writes': { type: 'boolean', default: false },
    workflow: { type: 'string' },
    workspace: { type: 'string' },
    instance: { type: 'string' },
    'strict-fields': { type: 'boolean', default: false },
    report: { type: 'string', multiple: true, default: [] },
    verbose: { type: 'boolean', default: false },
  });
  const reports = reportTargets(values.report);
  const common = { allowWrites: values['allow-writes'], strictFields: values['strict-fields'] };
  if (common.allowWrites) requireWriteTargets(values);
  let report: ContractReport;
  if (values.vendor === 'datadog') {
    const credentials = datadogFromEnv();
    if (!credentials)
      throw new ContractUsageError('set DD_API_KEY and DD_APP_KEY (any non-empty values work against flowtwin)');
    report = await runContract({
      vendor: 'datadog',
      target: values.target ?? datadogSiteUrl(),
      authenticate: datadogAuthenticator(credentials),
      resources: { workflowId: values.workflow },
      ...common,
    });
  } else if (values.vendor === 'secmaster') {
    const credentials = huaweiFromEnv();
    if (!credentials)
      throw new ContractUsageError(
        'set HUAWEICLOUD_SDK_PROJECT_ID and either HUAWEICLOUD_SDK_AK + HUAWEICLOUD_SDK_SK or HUAWEICLOUD_SDK_TOKEN',
      );
    if (!values.workspace) throw new ContractUsageError('--workspace <id> is required for secmaster');
    report = await runContract({
      vendor: 'secmaster',
      target: values.target ?? secmasterRegionUrl(),
      authenticate: huaweiAuthenticator(credentials),
      resources: { projectId: credentials.projectId, workspaceId: values.workspace, instanceId: values.instance },
      ...common,
    });
  } else {
    throw new ContractUsageError(`--vendor must be datadog or secmaster\n\n${CONTRACT_USAGE}`);
  }
  console.log(textReport(report, values.verbose));
  writeReports(report, reports);
  return report.passed ? 0 : 1;
}

/** The flag that names each resource a write case touches. */
const WRITE_TARGET_FLAGS: Record<string, string> = {
  workflowId: '--workflow <id> (the one workflow whose runs it may execute and cancel)',
  instanceId: '--instance <id> (the one instance it may retry or terminate)',
  workspaceId: '--workspace <id>',
};

/**
 * --allow-writes must say what it may write: run against a real org, a write case would otherwise
 * act on whatever the suite listed first. Checked before credentials or the network (the runner
 * refuses too, for callers of runContract).
 */
function requireWriteTargets(values: {
  vendor?: string | undefined;
  workflow?: string | undefined;
  instance?: string | undefined;
  workspace?: string | undefined;
}): void {
  // The project comes from the credentials; a placeholder stands for it here.
  const resources = {
    workflowId: values.workflow,
    instanceId: values.instance,
    workspaceId: values.workspace,
    projectId: 'from-credentials',
  };
  const missing = unnamedWriteTargets(values.vendor ?? '', resources);
  if (missing.length > 0)
    throw new ContractUsageError(
      `--allow-writes needs ${missing.map((m) => WRITE_TARGET_FLAGS[m] ?? m).join(' and ')}: ` +
        'nothing unnamed is ever written',
    );
}

export const VERIFY_HAR_USAGE =
  'flowtwin verify-har <file.har> [--strict-fields] [--report json:<path>] [--report junit:<path>]';

export async function verifyHarCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    'verify-har',
    argv,
    {
      'strict-fields': { type: 'boolean', default: false },
      report: { type: 'string', multiple: true, default: [] },
      verbose: { type: 'boolean', default: false },
    },
    1,
  );
  const file = positionals[0];
  if (!file) throw new ContractUsageError(`a HAR file is required\n\n${VERIFY_HAR_USAGE}`);
  const reports = reportTargets(values.report);
  const report = verifyHar(readJsonFile(file, 'HAR file'), { strictFields: values['strict-fields'] });
  console.log(driftTable(report));
  console.log(textReport(report, values.verbose));
  writeReports(report, reports);
  return report.passed ? 0 : 1;
}

function reportTargets(values: string[]): { format: 'json' | 'junit'; path: string }[] {
  return values.map((r) => {
    const m = /^(json|junit):(.+)$/.exec(r);
    if (!m) throw new ContractUsageError(`--report must be json:<path> or junit:<path>, got "${r}"`);
    return { format: m[1] as 'json' | 'junit', path: m[2]! };
  });
}

function writeReports(report: ContractReport, targets: { format: 'json' | 'junit'; path: string }[]): void {
  for (const r of targets) writeFileSync(r.path, r.format === 'json' ? jsonReport(report) : junitReport(report));
}

export class ContractUsageError extends Error {}
