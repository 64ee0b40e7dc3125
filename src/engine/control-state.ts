// The simulation's control state (clocks, scenarios, fault rules, rate-limit rules) as one record
// in the store, so every replica sharing the store steers the same simulation. Each part keeps a
// live copy in memory for the hot path, only ever loaded from what the store holds: `refresh` adopts
// the stored record when its version has moved, and `change` writes a change with compare-and-set
// (retrying on a lost race) and adopts it once stored.
import { randomUUID } from 'node:crypto';
import { WriteConflict } from './errors.js';
import { DuplicateRecordError, type Store, type StoredRecord } from '../store/store.js';

/** A part of the control state: serializable, and rebuilt from what is stored (undefined: its defaults). */
export interface ControlPart {
  snapshot(): unknown;
  load(snapshot: never): void;
}

const KIND = 'flowtwin.control';
const TENANT = '';
const ID = 'state';
/** Replicas hear of a change at once instead of at their next request. */
export const CONTROL_CHANNEL = 'flowtwin.control';
const MAX_ATTEMPTS = 32;

export class ControlState {
  /** Version of the stored record the parts reflect: 0 when none is stored, -1 when unknown. */
  private version = -1;
  /** Which write that version was: after a reset, versions count from 1 again. */
  private stamp: unknown;
  /**
   * Whether the stored record may have moved since it was last read. Only trusted once connected to
   * a store no other process shares: there every change is announced synchronously in-process
   * (LocalChannels), so a request reads the record only after one was. A shared store's
   * announcements arrive later than a request may, so there every refresh reads.
   */
  private stale = true;
  private listening = false;
  /** The tail of this process's changes, which run one after another. */
  private changes: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly parts: Record<string, ControlPart>,
  ) {}

  /** Adopts the stored state if it changed since this replica last looked. Cheap when it did not. */
  async refresh(): Promise<void> {
    if (this.listening && !this.stale && !this.store.info.shared) return;
    this.stale = false;
    const record = await this.store.get<Record<string, unknown>>(KIND, TENANT, ID);
    const version = record?.version ?? 0;
    if (version === this.version && record?.data.stamp === this.stamp) return;
    this.load(record?.data);
    this.version = version;
    this.stamp = record?.data.stamp;
  }

  /**
   * Runs `mutate` and stores the result; the live parts adopt it only once the store took it. When
   * another replica wrote first, its state is adopted and `mutate` runs again on it, so a change is
   * never lost or doubled. Changes from this process run one at a time: they share the live parts,
   * so an overlapping one would store another's not-yet-stored mutation in its snapshot, and that
   * one, losing the race, would then apply it a second time (a fault hit counted twice).
   */
  change<T>(mutate: () => T): Promise<T> {
    const run = this.changes.then(() => this.changeNow(mutate));
    this.changes = run.catch(() => undefined);
    return run;
  }

  private async changeNow<T>(mutate: () => T): Promise<T> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      await this.refresh();
      const base = this.version;
      // `mutate` works on the live parts (its callers hold them), so it runs between a snapshot
      // and a restore with no await between: no request sees the change, and if the write below
      // fails (503) or `mutate` throws, the parts are still what was stored, so a retry by the
      // client applies the change once, not on top of itself.
      const before = this.snapshot();
      let result: T;
      let after: Record<string, unknown>;
      try {
        result = mutate();
        after = this.snapshot();
      } finally {
        this.load(before);
      }
      const stamp = randomUUID();
      const record = { kind: KIND, tenant: TENANT, id: ID, createdAt: 0, version: base + 1, data: { stamp, ...after } };
      // A store error propagates with the parts as they were. Had a Redis write landed all the same,
      // the next refresh sees the moved version (shared stores are read at every refresh).
      const stored = base === 0 ? await this.createFirst(record) : await this.store.update(record, base);
      if (stored) {
        this.load(after);
        this.version = base + 1;
        this.stamp = stamp;
        // Stored and adopted: a failed announcement must not answer 503 (the client would apply the
        // change again). Shared stores' replicas read the record at every request anyway.
        await this.store.publish(CONTROL_CHANNEL, String(this.version)).catch(() => undefined);
        return result;
      }
      // Another replica wrote first: adopt its state at the next refresh and run the change on it.
      this.invalidate();
    }
    throw new WriteConflict('the control state (clocks, scenarios, faults, rate limits)', MAX_ATTEMPTS);
  }

  /**
   * The first record: a taken id means another replica created it first (a lost race);
   * anything else is the store failing.
   */
  private async createFirst(record: StoredRecord<unknown>): Promise<boolean> {
    try {
      await this.store.create(record);
      return true;
    } catch (err) {
      if (err instanceof DuplicateRecordError) return false;
      throw err;
    }
  }

  private snapshot(): Record<string, unknown> {
    return Object.fromEntries(Object.entries(this.parts).map(([name, part]) => [name, part.snapshot()]));
  }

  private load(data: Record<string, unknown> | undefined): void {
    for (const [name, part] of Object.entries(this.parts)) part.load(data?.[name] as never);
  }

  /** Forgets what was adopted, e.g. after the store was emptied underneath. */
  invalidate(): void {
    this.version = -1;
    this.stale = true;
  }

  /** Hears every replica's changes (this one's included); `onChange` runs after each is adopted. */
  async connect(onChange: () => void): Promise<() => Promise<void>> {
    const unsubscribe = await this.store.subscribe(CONTROL_CHANNEL, () => {
      this.stale = true;
      void this.refresh().then(onChange, () => undefined);
    });
    this.listening = true;
    return async () => {
      this.listening = false;
      await unsubscribe();
    };
  }
}
