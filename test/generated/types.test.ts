import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Control, Datadog, SecMaster } from '../../src/generated/index.js';

describe('generated API types', () => {
  it('are what the specs generate today (npm run types after a spec change)', async () => {
    const run = await promisify(execFile)(process.execPath, ['scripts/generate-types.mjs', '--check']).then(
      () => ({ code: 0, stderr: '' }),
      (err: { code: number; stderr: string }) => ({ code: err.code, stderr: err.stderr }),
    );
    expect(run).toEqual({ code: 0, stderr: '' });
  });

  it('type what the APIs answer', () => {
    // Compile-time checks (tsc runs over the tests): a wrong field name or type fails `npm test`.
    const scenario: Control.components['schemas']['Scenario'] = { id: 'scenario-1', vendor: 'datadog', outcome: 'fail', hits: 0 };
    const status: SecMaster.components['schemas']['PlaybookInstanceStatus'] = 'TERMINATING';
    const op: keyof Datadog.operations = 'CancelWorkflowInstance';
    expect([scenario.outcome, status, op]).toEqual(['fail', 'TERMINATING', 'CancelWorkflowInstance']);
  });
});
