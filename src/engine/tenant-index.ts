// Which tenants have instances of a kind. The Store is addressed per tenant and cannot enumerate
// them, so listing instances across tenants (the dashboard) needs this small index, kept in the
// store's global tenant like the journal, so every replica and a restarted process see it.
import { DuplicateRecordError, type Store } from '../store/store.js';

const KIND = 'flowtwin.tenant';
/** The store's global tenant (shared with the journal and the control state). */
const GLOBAL = '';
/** Resets on any replica make every replica forget what it believed was already indexed. */
export const TENANTS_CHANNEL = 'flowtwin.tenants';

export class TenantIndex {
  /** Entries this process knows are stored, so an instance start costs no store call once its tenant is in. */
  private readonly known = new Set<string>();
  private unsubscribe: (() => Promise<void>) | undefined;

  constructor(private readonly store: Store) {}

  /** Lists the tenant under the kind, with how a person knows it when the caller can say. */
  async add(kind: string, tenant: string, label?: string): Promise<void> {
    const id = `${kind}/${tenant}`;
    if (this.known.has(id)) return;
    try {
      await this.store.create({
        kind: KIND,
        tenant: GLOBAL,
        id,
        parentId: kind,
        createdAt: 0,
        version: 1,
        data: label === undefined ? { tenant } : { tenant, label },
      });
    } catch (err) {
      if (!(err instanceof DuplicateRecordError)) throw err;
    }
    this.known.add(id);
  }

  /**
   * How a person knows each tenant (masked keys, a project), as its first instance recorded it; a
   * tenant whose entry has none (written by an older flowtwin) is left out.
   */
  async labels(): Promise<Map<string, string>> {
    const records = await this.store.scan<{ tenant: string; label?: string }>(KIND, GLOBAL);
    return new Map(
      records.flatMap((r) => (r.data.label === undefined ? [] : [[r.data.tenant, r.data.label] as const])),
    );
  }

  /** The tenants that have had instances of this kind since the last full reset. */
  async tenants(kind: string): Promise<string[]> {
    const records = await this.store.scan<{ tenant: string }>(KIND, GLOBAL, kind);
    return records.map((r) => r.data.tenant);
  }

  /** Hears the other replicas' resets when the store is shared. */
  async connect(): Promise<void> {
    if (this.store.info.shared)
      this.unsubscribe = await this.store.subscribe(TENANTS_CHANNEL, () => this.known.clear());
  }

  async disconnect(): Promise<void> {
    await this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** The store was emptied: the index went with it, here and on every replica. */
  async cleared(): Promise<void> {
    this.known.clear();
    if (this.store.info.shared) await this.store.publish(TENANTS_CHANNEL, 'reset');
  }
}
