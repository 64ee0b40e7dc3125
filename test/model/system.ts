// The system a model-based run drives: one flowtwin on memory or SQLite, or two replicas sharing a
// Redis, the second with its own clock 20 s behind. Replicas can be restarted (the store keeps what
// was acknowledged) and every response is checked against the spec.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import supertest from 'supertest';
import { createFlowtwin, type Flowtwin } from '../../src/http/app.js';
import { openStore } from '../../src/store/open.js';
import type { TestRedis } from '../support/redis.js';

export type StoreKind = 'memory' | 'sqlite' | 'redis';
/** The lagging replica's own clock: the store's shared time must make it irrelevant. */
export const SKEW_MS = -20_000;

export interface Replica {
  flowtwin: Flowtwin;
  http: ReturnType<typeof supertest>;
}

export class System {
  readonly replicas: Replica[] = [];
  /** Responses that broke the spec, as "METHOD path: message". */
  readonly violations: string[] = [];

  private constructor(
    readonly kind: StoreKind,
    private readonly open: (index: number) => Promise<Replica>,
    private readonly cleanup: () => Promise<void>,
  ) {}

  static async start(kind: StoreKind, redis?: TestRedis): Promise<System> {
    let system: System;
    const replica = async (storeSpec: string | undefined, skewMs: number): Promise<Replica> => {
      const store = storeSpec === undefined ? undefined : await openStore(storeSpec, { wallClock: () => Date.now() + skewMs });
      const flowtwin = await createFlowtwin({
        ...(store ? { store } : {}),
        onResponseViolation: (v) => system.violations.push(`${v.method} ${v.path}: ${v.message}`),
        warn: (message) => system.violations.push(`warning: ${message}`),
      });
      return { flowtwin, http: supertest(flowtwin.handler) };
    };
    if (kind === 'memory') {
      system = new System(
        kind,
        () => replica(undefined, 0),
        async () => undefined,
      );
    } else if (kind === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'flowtwin-model-'));
      system = new System(
        kind,
        () => replica(`sqlite:${join(dir, 'flowtwin.db')}`, 0),
        async () => rmSync(dir, { recursive: true, force: true }),
      );
    } else {
      if (!redis) throw new Error('the Redis system needs a test Redis');
      const url = `${redis.url}?prefix=${encodeURIComponent(redis.prefix())}`;
      system = new System(
        kind,
        (index) => replica(url, index === 1 ? SKEW_MS : 0),
        async () => undefined,
      );
    }
    const count = kind === 'redis' ? 2 : 1;
    for (let i = 0; i < count; i++) system.replicas.push(await system.open(i));
    return system;
  }

  get durable(): boolean {
    return this.kind !== 'memory';
  }

  replica(pick: number): Replica {
    return this.replicas[pick % this.replicas.length]!;
  }

  /** A replica stops and a new process takes its place on the same store: only the store carries state across. */
  async restart(pick: number): Promise<void> {
    const index = pick % this.replicas.length;
    await this.replicas[index]!.flowtwin.close();
    this.replicas[index] = await this.open(index);
  }

  /**
   * Until every replica shows the clock `through` shows (frozen or running, and the same time):
   * control changes reach the other replica through Redis, a moment later.
   */
  async converge(through: Replica): Promise<void> {
    if (this.replicas.length === 1) return;
    const clock = async (r: Replica) => (await r.http.get('/__flowtwin/clock').expect(200)).body as { now: number; frozen: boolean; speed: number };
    let last = '';
    for (let attempt = 0; attempt < 200; attempt++) {
      const want = await clock(through);
      const seen = await Promise.all(this.replicas.map(clock));
      const agree = seen.every((c) => c.frozen === want.frozen && c.speed === want.speed && Math.abs(c.now - want.now) < (want.frozen ? 1 : 1_000));
      if (agree) return;
      last = JSON.stringify({ want, seen });
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`the replicas never agreed on the clock: ${last}`);
  }

  async close(): Promise<void> {
    for (const r of this.replicas.splice(0)) await r.flowtwin.close();
    await this.cleanup();
  }
}
