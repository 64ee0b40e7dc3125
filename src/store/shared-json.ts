// The memory store's encoding of a record's data: its JSON text cut where long values start, with
// each long value's text shared by every record that holds the same one. Instances of one workflow
// repeat its plan and step definitions verbatim, so a million of them keep one copy of each.

/** Values at most this deep are cut out on their own: the data, its fields and their fields. */
const DEPTH = 2;

export class SharedJson {
  private readonly texts = new Map<string, string>();

  /**
   * @param maxShared texts kept for sharing; past it new texts are stored unshared (the table holds
   *   what it shares until `clear`, so it must not grow without bound).
   * @param minLength texts shorter than this are not worth a lookup.
   */
  constructor(
    private readonly maxShared = 100_000,
    private readonly minLength = 64,
  ) {}

  encode(data: unknown): string | string[] {
    const parts: string[] = [];
    // Pieces joined once: a string grown with += is a rope that holds every piece (and more memory).
    let glue: string[] = [];
    const flush = (): void => {
      // The glue between values (keys, short values) repeats across records too.
      if (glue.length > 0) parts.push(this.share(glue.join('')));
      glue = [];
    };
    const leaf = (text: string): void => {
      if (text.length < this.minLength) return void glue.push(text);
      flush();
      parts.push(this.share(text));
    };
    const walk = (value: unknown, depth: number): void => {
      if (depth >= DEPTH || value === null || typeof value !== 'object' || Array.isArray(value) || typeof (value as { toJSON?: unknown }).toJSON === 'function') {
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

  clear(): void {
    this.texts.clear();
  }

  private share(text: string): string {
    if (text.length < this.minLength) return text;
    const known = this.texts.get(text);
    if (known !== undefined) return known;
    if (this.texts.size < this.maxShared) this.texts.set(text, text);
    return text;
  }
}
