// Renders a contract report: a readable summary for people, JSON and JUnit XML for CI systems.
import type { ContractReport, Finding } from './types.js';

export function textReport(report: ContractReport, verbose = false): string {
  const count = (o: Finding['outcome']) => report.findings.filter((f) => f.outcome === o).length;
  const lines = [`flowtwin contract: ${report.vendor} at ${report.target}`];
  for (const f of report.findings) {
    if (f.outcome === 'pass' && !verbose) continue;
    const mark = { pass: 'ok  ', fail: 'FAIL', warn: 'warn', skip: 'skip' }[f.outcome];
    lines.push(`${mark} ${f.check} (${f.case}): ${f.message}`);
    if (f.request) lines.push(`       request:  ${f.request}`);
    if (f.expected !== undefined) lines.push(`       expected: ${f.expected}`);
    if (f.seen !== undefined) lines.push(`       seen:     ${f.seen}`);
    if (f.where) lines.push(`       spec:     ${f.where}`);
  }
  lines.push(
    `${count('pass')} passed, ${count('fail')} failed, ${count('warn')} warnings, ${count('skip')} skipped ` +
      `in ${report.durationMs} ms: ${report.passed ? 'PASS' : 'FAIL'}`,
  );
  return lines.join('\n');
}

export function jsonReport(report: ContractReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

const xml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** One testsuite per case, one testcase per finding. */
export function junitReport(report: ContractReport): string {
  const cases = [...new Set(report.findings.map((f) => f.case))];
  const suites = cases.map((name) => {
    const findings = report.findings.filter((f) => f.case === name);
    const body = findings.map((f) => {
      const detail = [
        f.message,
        f.request && `request: ${f.request}`,
        f.expected !== undefined && `expected: ${f.expected}`,
        f.seen !== undefined && `seen: ${f.seen}`,
        f.where && `spec: ${f.where}`,
      ]
        .filter(Boolean)
        .join('\n');
      const inner =
        f.outcome === 'fail'
          ? `<failure message="${xml(f.message)}">${xml(detail)}</failure>`
          : f.outcome === 'skip'
            ? `<skipped message="${xml(f.message)}"/>`
            : f.outcome === 'warn'
              ? `<system-out>${xml(detail)}</system-out>`
              : '';
      return `    <testcase classname="${xml(`${report.vendor}.${name}`)}" name="${xml(f.check)}">${inner}</testcase>`;
    });
    const failures = findings.filter((f) => f.outcome === 'fail').length;
    const skipped = findings.filter((f) => f.outcome === 'skip').length;
    return (
      `  <testsuite name="${xml(name)}" tests="${findings.length}" failures="${failures}" skipped="${skipped}">\n` +
      `${body.join('\n')}\n  </testsuite>`
    );
  });
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="flowtwin contract ${xml(report.vendor)}">\n` +
    `${suites.join('\n')}\n</testsuites>\n`
  );
}
