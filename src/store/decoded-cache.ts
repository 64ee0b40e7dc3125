// Decoded record data shared between readers of the same stored text. A test polling a run reads
// the same version of it, and of its workflow, again and again: parsing their JSON on every read was
// the largest single cost of a GET. Data a store hands out is deep-frozen, cached or not, so that no
// reader can change what another reader (or the store) holds, and a reader that tries fails loudly.

/** The key every store caches a record's data under. */
export const recordCacheKey = (kind: string, tenant: string, id: string): string => `${kind}\u0000${tenant}\u0000${id}`;

export class DecodedCache<Text = string> {
  /** key -> the text it was decoded from and the frozen data; oldest insertion first. */
  private readonly entries = new Map<string, { text: Text; data: unknown }>();

  /** @param capacity records kept decoded; past it the oldest is dropped. */
  constructor(private readonly capacity = 1024) {}

  /** The data of `text`, parsed once while it stays cached under `key`. */
  decode(key: string, text: Text, parse: (text: Text) => unknown): unknown {
    const hit = this.entries.get(key);
    // Equal text decodes to equal data: a record replaced by a later version has other text.
    if (hit !== undefined && hit.text === text) return hit.data;
    const data = deepFreeze(parse(text));
    if (hit !== undefined) this.entries.delete(key);
    else if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { text, data });
    return data;
  }

  /** As `decode`, without caching: for pages and scans, which would push out the hot records. */
  read(key: string, text: Text, parse: (text: Text) => unknown): unknown {
    const hit = this.entries.get(key);
    return hit !== undefined && hit.text === text ? hit.data : deepFreeze(parse(text));
  }

  clear(): void {
    this.entries.clear();
  }

  /** Drops one tenant's records (a tenant reset): at most `capacity` keys to look at. */
  clearTenant(tenant: string): void {
    for (const key of [...this.entries.keys()]) if (key.split('\u0000')[1] === tenant) this.entries.delete(key);
  }
}

/** Freezes a parsed JSON value and everything in it (JSON has no cycles). */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key in value) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
