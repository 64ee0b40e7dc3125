import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
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

  it('keep every line within the house limit of 160 characters, long spec prose and examples wrapped inside their comments', async () => {
    // @ts-expect-error: a plain .mjs script without types
    const { MAX_LINE, wrapComment } = (await import('../../scripts/generate-types.mjs')) as {
      MAX_LINE: number;
      wrapComment: (line: string) => string[];
    };
    const long = readdirSync('src/generated').flatMap((file) =>
      readFileSync(`src/generated/${file}`, 'utf8')
        .split('\n')
        .flatMap((line, i) => (line.length > MAX_LINE ? [`${file}:${i + 1}`] : [])),
    );
    expect(long).toEqual([]);
    const prose = `    /** @description ${'word '.repeat(40)}end */`;
    const wrapped = wrapComment(prose);
    expect(wrapped[0]).toBe('    /**');
    expect(wrapped.at(-1)).toBe('     */');
    expect(wrapped.every((l) => l.length <= MAX_LINE)).toBe(true);
    expect(
      wrapped
        .slice(1, -1)
        .map((l) => l.replace(/^\s*\* +/, ''))
        .join(' '),
    ).toBe(`@description ${'word '.repeat(40)}end`);
    const url = `     *   "url": "https://example.com/${'x'.repeat(300)}"`;
    const text = (lines: string[]) =>
      lines
        .map((l) => l.replace(/^\s*\* +/, ''))
        .join('')
        .replace(/\s/g, '');
    expect(wrapComment(url).every((l) => l.length <= MAX_LINE)).toBe(true);
    expect(text(wrapComment(url))).toBe(text([url]));
    expect(wrapComment('const short = 1;')).toEqual(['const short = 1;']);
  });

  it('type what the APIs answer', () => {
    // Compile-time checks (tsc runs over the tests): a wrong field name or type fails `npm test`.
    const scenario: Control.components['schemas']['Scenario'] = { id: 'scenario-1', vendor: 'datadog', outcome: 'fail', hits: 0 };
    const status: SecMaster.components['schemas']['PlaybookInstanceStatus'] = 'TERMINATING';
    const op: keyof Datadog.operations = 'CancelWorkflowInstance';
    expect([scenario.outcome, status, op]).toEqual(['fail', 'TERMINATING', 'CancelWorkflowInstance']);
  });
});
