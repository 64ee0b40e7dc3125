// The memory store's encoding of a record's data: its JSON text cut where long values start, with
// each long value's text shared by every record that holds the same one. Instances of one workflow
// repeat its plan and step definitions verbatim, so a million of them keep one copy of each.
// Each tenant has its own table: a tenant's reset drops its table whole, in one step, whatever the
// number of records, and frees what only its records (live, replaced or deleted) held. Records of
// one tenant repeat their own workflows, so little sharing is lost between tenants.

/** Values at most this deep are cut out on their own: the data, its fields and their fields. */
const DEPTH = 2;

export class SharedJson {
  /** tenant -> text -> the one copy of it. */
  private readonly tables = new Map<string, Map<string, string>>();
  private count = 0;

  /**
   * @param maxShared texts kept for sharing, all tenants together; past it new texts are stored
   *   unshared (a table holds what it shares until its tenant is cleared, so it must not grow without bound).
   * @param minLength texts shorter than this are not worth a lookup.
   */
  constructor(
    private readonly maxShared = 100_000,
    private readonly minLength = 64,
  ) {}

  /** `tenant`: whose table shares the long values; texts are never shared across tenants. */
  encode(data: unknown, tenant = ''): string | string[] {
    let table = this.tables.get(tenant);
    if (!table) this.tables.set(tenant, (table = new Map()));
    const share = (text: string): string => this.share(table, text);
    const parts: string[] = [];
    // Pieces joined once: a string grown with += is a rope that holds every piece (and more memory).
    let glue: string[] = [];
    const flush = (): void => {
      // The glue between values (keys, short values) repeats across records too.
      if (glue.length > 0) parts.push(share(glue.join('')));
      glue = [];
    };
    const leaf = (text: string): void => {
      if (text.length < this.minLength) return void glue.push(text);
      flush();
      parts.push(share(text));
    };
    const walk = (value: unknown, depth: number): void => {
      if (
        depth >= DEPTH ||
        value === null ||
        typeof value !== 'object' ||
        Array.isArray(value) ||
        typeof (value as { toJSON?: unknown }).toJSON === 'function'
      ) {
        return leaf(JSON.stringify(value) ?? 'null');
      }
      glue.push('{');
      let first = true;
      for (const [key, v] of Object.entries(value)) {
        // As JSON.stringify does: such members are left out of an object.
        if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
        glue.push(`${first ? '' : ','}${JSON.stringify(key)}:`);
        first = false;
        walk(v, depth + 1);
      }
      glue.push('}');
    };
    walk(data, 0);
    flush();
    return parts.length === 1 ? parts[0]! : parts;
  }

  decode(encoded: string | string[]): unknown {
    return JSON.parse(typeof encoded === 'string' ? encoded : encoded.join(''));
  }

  /** Forgets one tenant's texts (its records keep their own references), or every tenant's. */
  clear(tenant?: string): void {
    if (tenant === undefined) {
      this.tables.clear();
      this.count = 0;
      return;
    }
    this.count -= this.tables.get(tenant)?.size ?? 0;
    this.tables.delete(tenant);
  }

  /** Texts kept for sharing, all tenants together. */
  get size(): number {
    return this.count;
  }

  private share(table: Map<string, string>, text: string): string {
    if (text.length < this.minLength) return text;
    const known = table.get(text);
    if (known !== undefined) return known;
    if (this.count < this.maxShared) {
      table.set(text, text);
      this.count++;
    }
    return text;
  }
}
