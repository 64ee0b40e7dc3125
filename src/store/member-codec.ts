// How a memory index keeps one member in bytes. Index members are instance ids with a short prefix
// or suffix ("<seq><id>", "<id>#<n>"), so the first lowercase UUID in a member is kept as its 16
// bytes: 21 bytes for "<id>#1" instead of 40. The encoding is only a layout: members still compare
// as their UTF-8 bytes (the order Redis and SQLite give equal scores), in place when both sides have
// the same shape, else by writing both out.
//
//   header < 0xf0   raw member, `header` bytes of UTF-8 follow
//   header = 0xfe   raw member, a u32 length then its bytes
//   header = 0xff   [prefix length][prefix][16 UUID bytes][suffix length][suffix]

const RAW_SHORT_MAX = 0xef;
const RAW_LONG = 0xfe;
const PACKED = 0xff;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
/** The UUID's bytes after which its text has a dash. */
const DASH_AFTER = new Set([3, 5, 7, 9]);

export class MemberCodec {
  private scratch = Buffer.allocUnsafeSlow(256);
  private readonly encoded = { bytes: this.scratch, length: 0 };
  private left = Buffer.allocUnsafeSlow(256);
  private right = Buffer.allocUnsafeSlow(256);

  /** The member's bytes, in a buffer the next call reuses. */
  encode(member: string): { bytes: Buffer; length: number } {
    const need = member.length * 3 + 24;
    if (this.scratch.length < need) this.scratch = Buffer.allocUnsafeSlow(need);
    const out = this.scratch;
    this.encoded.bytes = out;
    const match = UUID.exec(member);
    if (match) {
      const prefix = out.write(member.slice(0, match.index), 2, 'utf8');
      let at = 2 + prefix;
      const id = match[0];
      for (let i = 0; i < 36; i += i === 6 || i === 11 || i === 16 || i === 21 ? 3 : 2)
        out[at++] = (nibble(id.charCodeAt(i)) << 4) | nibble(id.charCodeAt(i + 1));
      const suffix = out.write(member.slice(match.index + 36), at + 1, 'utf8');
      if (prefix < 256 && suffix < 256) {
        out[0] = PACKED;
        out[1] = prefix;
        out[at] = suffix;
        this.encoded.length = at + 1 + suffix;
        return this.encoded;
      }
    }
    const length = out.write(member, 5, 'utf8');
    if (length <= RAW_SHORT_MAX) {
      out.copyWithin(1, 5, 5 + length);
      out[0] = length;
      this.encoded.length = 1 + length;
    } else {
      out[0] = RAW_LONG;
      out.writeUInt32LE(length, 1);
      this.encoded.length = 5 + length;
    }
    return this.encoded;
  }

  /** How many bytes the member at `at` takes. */
  static size(bytes: Buffer, at: number): number {
    const header = bytes[at]!;
    if (header <= RAW_SHORT_MAX) return 1 + header;
    if (header === RAW_LONG) return 5 + bytes.readUInt32LE(at + 1);
    const prefix = bytes[at + 1]!;
    return 2 + prefix + 16 + 1 + bytes[at + 2 + prefix + 16]!;
  }

  text(bytes: Buffer, at: number): string {
    const header = bytes[at]!;
    if (header <= RAW_SHORT_MAX) return bytes.toString('utf8', at + 1, at + 1 + header);
    if (header === RAW_LONG) return bytes.toString('utf8', at + 5, at + 5 + bytes.readUInt32LE(at + 1));
    const prefix = bytes[at + 1]!;
    let id = '';
    for (let i = 0; i < 16; i++)
      id += DASH_AFTER.has(i) ? `${HEX[bytes[at + 2 + prefix + i]!]}-` : HEX[bytes[at + 2 + prefix + i]!];
    const suffixAt = at + 2 + prefix + 16;
    return (
      bytes.toString('utf8', at + 2, at + 2 + prefix) +
      id +
      bytes.toString('utf8', suffixAt + 1, suffixAt + 1 + bytes[suffixAt]!)
    );
  }

  /** The order of the members' UTF-8 bytes. */
  compare(a: Buffer, aAt: number, b: Buffer, bAt: number): number {
    const aHeader = a[aAt]!;
    const bHeader = b[bAt]!;
    if (aHeader !== PACKED && bHeader !== PACKED) {
      const aStart = aHeader <= RAW_SHORT_MAX ? aAt + 1 : aAt + 5;
      const bStart = bHeader <= RAW_SHORT_MAX ? bAt + 1 : bAt + 5;
      return compareBytes(
        a,
        aStart,
        MemberCodec.size(a, aAt) - (aStart - aAt),
        b,
        bStart,
        MemberCodec.size(b, bAt) - (bStart - bAt),
      );
    }
    if (aHeader === PACKED && bHeader === PACKED) {
      const aPrefix = a[aAt + 1]!;
      const bPrefix = b[bAt + 1]!;
      const common = Math.min(aPrefix, bPrefix);
      const first = compareBytes(a, aAt + 2, common, b, bAt + 2, common);
      if (first !== 0) return first;
      // Same shape: the UUIDs' bytes order as their text does (lowercase hex, dashes in the same places).
      if (aPrefix === bPrefix) {
        const id = compareBytes(a, aAt + 2 + aPrefix, 16, b, bAt + 2 + bPrefix, 16);
        if (id !== 0) return id;
        const aSuffix = aAt + 2 + aPrefix + 16;
        const bSuffix = bAt + 2 + bPrefix + 16;
        return compareBytes(a, aSuffix + 1, a[aSuffix]!, b, bSuffix + 1, b[bSuffix]!);
      }
    }
    const aLength = this.expand(a, aAt, 'left');
    const bLength = this.expand(b, bAt, 'right');
    return compareBytes(this.left, 0, aLength, this.right, 0, bLength);
  }

  /** Writes the member's UTF-8 bytes into one of the comparison buffers; returns their length. */
  private expand(bytes: Buffer, at: number, into: 'left' | 'right'): number {
    const size = MemberCodec.size(bytes, at);
    if (this[into].length < size + 20) this[into] = Buffer.allocUnsafeSlow(size + 20);
    const out = this[into];
    const header = bytes[at]!;
    if (header !== PACKED) {
      const start = header <= RAW_SHORT_MAX ? at + 1 : at + 5;
      return bytes.copy(out, 0, start, at + size);
    }
    const prefix = bytes[at + 1]!;
    let n = bytes.copy(out, 0, at + 2, at + 2 + prefix);
    for (let i = 0; i < 16; i++) {
      const byte = bytes[at + 2 + prefix + i]!;
      out[n++] = hexDigit(byte >> 4);
      out[n++] = hexDigit(byte & 15);
      if (DASH_AFTER.has(i)) out[n++] = 0x2d;
    }
    const suffixAt = at + 2 + prefix + 16;
    return n + bytes.copy(out, n, suffixAt + 1, suffixAt + 1 + bytes[suffixAt]!);
  }
}

function compareBytes(a: Buffer, aStart: number, aLength: number, b: Buffer, bStart: number, bLength: number): number {
  const n = Math.min(aLength, bLength);
  for (let i = 0; i < n; i++) {
    const d = a[aStart + i]! - b[bStart + i]!;
    if (d !== 0) return d;
  }
  return aLength - bLength;
}

const nibble = (code: number): number => (code <= 0x39 ? code - 0x30 : code - 0x57);
const hexDigit = (value: number): number => (value < 10 ? 0x30 + value : 0x57 + value);
