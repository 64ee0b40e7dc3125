// A Redis for tests: FLOWTWIN_TEST_REDIS_URL when set, else a redis-server of our own on a free
// port with persistence off. Tests keep apart by key prefix (pub/sub ignores db numbers).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';

const EXTERNAL = process.env.FLOWTWIN_TEST_REDIS_URL;

function onPath(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, binary);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

const SERVER_BINARY = EXTERNAL ? undefined : onPath('redis-server');

/** Why the Redis suite cannot run here, or undefined when it can. Throws when CI demands Redis. */
export function redisSkipReason(): string | undefined {
  if (EXTERNAL || SERVER_BINARY) return undefined;
  const reason = 'no redis-server on PATH and FLOWTWIN_TEST_REDIS_URL unset';
  if (process.env.FLOWTWIN_REQUIRE_REDIS === '1') throw new Error(`FLOWTWIN_REQUIRE_REDIS=1 but ${reason}: install redis-server`);
  return reason;
}

export interface TestRedis {
  /** redis://host:port/db of the server, without a prefix. */
  url: string;
  /** A prefix no other test uses; everything under it is deleted by stop(). */
  prefix(): string;
  stop(): Promise<void>;
}

export async function startTestRedis(): Promise<TestRedis> {
  const run = `flowtwin-test:${randomUUID()}:`;
  let n = 0;
  const server = EXTERNAL ? undefined : await startServer(SERVER_BINARY!);
  const url = EXTERNAL ?? `redis://127.0.0.1:${server!.port}/0`;
  return {
    url,
    prefix: () => `${run}${++n}:`,
    async stop() {
      if (server) return server.stop();
      // A shared Redis keeps running: take away only what this run wrote.
      const redis = new Redis(url);
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${run}*`, 'COUNT', 1000);
          if (keys.length) await redis.del(...keys);
          cursor = next;
        } while (cursor !== '0');
      } finally {
        await redis.quit();
      }
    },
  };
}

/** Why a test that kills and restarts its own redis-server cannot run here. Throws when CI demands Redis. */
export function ownRedisSkipReason(): string | undefined {
  if (onPath('redis-server')) return undefined;
  const reason = 'no redis-server on PATH (this test stops and restarts its own)';
  if (process.env.FLOWTWIN_REQUIRE_REDIS === '1') throw new Error(`FLOWTWIN_REQUIRE_REDIS=1 but ${reason}: install redis-server`);
  return reason;
}

export interface OwnRedis {
  url: string;
  /** SIGKILL, as a crash or an OOM kill would; what it acknowledged is in its append-only file. */
  kill(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A redis-server of this test's own, on a free port, persisting every write (AOF, fsync always) in a temporary directory. */
export async function startOwnRedis(): Promise<OwnRedis> {
  const binary = onPath('redis-server');
  if (!binary) throw new Error('no redis-server on PATH');
  const dir = mkdtempSync(join(tmpdir(), 'flowtwin-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    const next = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = next;
    try {
      await ready(next);
    } catch (err) {
      await stopServer(next);
      throw err;
    }
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}/0`,
    start,
    async kill() {
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child) await stopServer(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function startServer(binary: string): Promise<{ port: number; stop(): Promise<void> }> {
  // The port is free when probed but another process may take it first; then try another.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      await ready(child);
      return { port, stop: () => stopServer(child) };
    } catch (err) {
      await stopServer(child);
      if (attempt === 3) throw err;
    }
  }
}

function ready(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`redis-server not ready within 10 s:\n${log}`)), 10_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${log}`));
    });
  });
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

export interface RedisUnderTest {
  readonly redis: TestRedis;
  /** A direct connection, to look at and tamper with keys the way another program could. */
  readonly raw: Redis;
  /** The keys under a prefix, without it, sorted. */
  keysUnder(prefix: string): Promise<string[]>;
}

/** For a describe block: a Redis of its own from before its first test to after its last, and a raw connection to it. */
export function useTestRedis(): RedisUnderTest {
  const t = {} as { redis: TestRedis; raw: Redis };
  beforeAll(async () => {
    t.redis = await startTestRedis();
    t.raw = new Redis(t.redis.url);
  });
  afterAll(async () => {
    await t.raw?.quit();
    await t.redis?.stop();
  });
  return {
    get redis() {
      return t.redis;
    },
    get raw() {
      return t.raw;
    },
    async keysUnder(prefix) {
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await t.raw.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        keys.push(...batch.map((k) => k.slice(prefix.length)));
        cursor = next;
      } while (cursor !== '0');
      return keys.sort();
    },
  };
}
