// Child servers: each benchmarked server is its own process so its RSS is its own.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export async function freePort() {
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Starts a child and resolves once `ready(url)` answers, or rejects with its output. */
export async function startChild(command, args, { port, ready, env = process.env, timeoutMs = 120_000 }) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let log = '';
  const keep = (d) => (log = (log + d).slice(-4000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${args.join(' ')} exited ${child.exitCode ?? child.signalCode}:\n${log}`);
    if (await Promise.resolve().then(() => ready(url, () => log)).catch(() => false)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${args.join(' ')} not ready in ${timeoutMs} ms:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  return {
    url,
    pid: child.pid,
    log: () => log,
    /** Resident set size now, in MB (Linux /proc; 0 elsewhere rather than a guess). */
    rssMb() {
      try {
        const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
        return kb ? Number(kb) / 1024 : 0;
      } catch {
        return 0;
      }
    },
    // SIGTERM lets flowtwin stop cleanly, which is what writes a --cpu-prof profile.
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
    },
  };
}

export const saidReady = (_url, log) => log().includes('ready');

export async function answers(url, path = '/', headers = {}) {
  const res = await fetch(url + path, { headers });
  await res.arrayBuffer();
  return res.status < 500;
}
