// Runs the flowtwin CLI as a child process (TypeScript through tsx), as a user would, and kills
// whatever a test leaves running.
import { spawn, type ChildProcess } from 'node:child_process';

const children: ChildProcess[] = [];

/** For afterEach: SIGKILL every child still running. */
export function killChildren(): void {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

export function cli(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  child.stderr!.on('data', (d: Buffer) => (err += d));
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', () => out.includes('\n') && resolve(out.split('\n')[0]!));
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
  });
  firstLine.catch(() => undefined); // awaited only by tests that expect the server to start
  /** The URL once `serve` says it is listening. */
  const url = async () => (await firstLine).split(' ').pop()!;
  return { child, firstLine, url, output: () => ({ out, err }) };
}
