import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemberCodec } from '../../src/store/member-codec.js';

// Members shaped like the engine's ("<seq><id>", "<id>#<n>") and every neighbour of those shapes:
// prefixes of other lengths, uppercase or broken UUIDs, long parts, non-ASCII text.
const uuid = fc.uuid().map((id) => id.toLowerCase());
const part = fc.oneof(fc.constantFrom('', '#0', '#12', '0000000000000001', '0', '00', 'a', 'é', '日', 'x'.repeat(300)), fc.string({ maxLength: 4 }));
const member = fc.oneof(
  fc.tuple(part, uuid, part).map(([p, id, s]) => `${p}${id}${s}`),
  fc.tuple(part, uuid).map(([p, id]) => `${p}${id.toUpperCase()}`),
  fc.tuple(uuid, fc.integer({ min: 0, max: 35 })).map(([id, cut]) => id.slice(0, cut)),
  fc.tuple(uuid, uuid).map(([a, b]) => `${a}${b}`),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
);

/** Encodes into a buffer of its own, as the arena keeps it. */
function stored(codec: MemberCodec, text: string): Buffer {
  const { bytes, length } = codec.encode(text);
  const copy = Buffer.alloc(length + 3);
  bytes.copy(copy, 3, 0, length);
  return copy;
}

describe('memory index member codec', () => {
  it('gives back each member as written and orders members as their UTF-8 bytes', () => {
    const codec = new MemberCodec();
    fc.assert(
      fc.property(member, member, (a, b) => {
        const x = stored(codec, a);
        const y = stored(codec, b);
        expect(codec.text(x, 3)).toBe(a);
        expect(MemberCodec.size(x, 3)).toBe(x.length - 3);
        expect(Math.sign(codec.compare(x, 3, y, 3))).toBe(Buffer.compare(Buffer.from(a), Buffer.from(b)));
      }),
      { numRuns: 3000, seed: 15 },
    );
  });

  it('orders members that share an id or a prefix, at every length boundary of the layout', () => {
    // Two ids and parts at the layout's limits (255/256 bytes of prefix or suffix, 239/240 raw bytes,
    // wide characters), so equal prefixes, equal ids and mixed layouts meet often.
    const shared = fc.constantFrom('', '#0', '#1', '0000000000000001', 'x'.repeat(255), 'x'.repeat(256), '日'.repeat(100));
    const id = fc.constantFrom('7a3f1c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b', '7a3f1c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5c');
    const near = fc.oneof(
      fc.tuple(shared, id, shared).map(([p, i, x]) => `${p}${i}${x}`),
      fc.constantFrom('y'.repeat(239), 'y'.repeat(240), '日'.repeat(80)),
    );
    const codec = new MemberCodec();
    fc.assert(
      fc.property(near, near, (a, b) => {
        const x = stored(codec, a);
        const y = stored(codec, b);
        expect([codec.text(x, 3), codec.text(y, 3)]).toEqual([a, b]);
        expect(Math.sign(codec.compare(x, 3, y, 3))).toBe(Buffer.compare(Buffer.from(a), Buffer.from(b)));
      }),
      { numRuns: 1000, seed: 16 },
    );
  });

  it('packs an id with up to 255 bytes either side, and keeps up to 239 raw bytes behind a one-byte header', () => {
    const codec = new MemberCodec();
    // Three bytes a character, into a codec that has not grown yet: the scratch buffer fits it all.
    const wide = '日'.repeat(400);
    expect(codec.text(stored(codec, wide), 3)).toBe(wide);
    const id = '7a3f1c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b';
    expect(codec.encode(`${'p'.repeat(255)}${id}${'s'.repeat(255)}`).length).toBe(2 + 255 + 16 + 1 + 255);
    expect(codec.encode(`${'p'.repeat(256)}${id}`).length).toBe(5 + 256 + 36);
    expect(codec.encode(`${id}${'s'.repeat(256)}`).length).toBe(5 + 36 + 256);
    expect(codec.encode('r'.repeat(239)).length).toBe(1 + 239);
    expect(codec.encode('r'.repeat(240)).length).toBe(5 + 240);
  });

  it('keeps an instance-id member in about half its text', () => {
    const codec = new MemberCodec();
    expect(codec.encode('7a3f1c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b#1').length).toBe(21);
    expect(codec.encode(`0000000000012345${'7a3f1c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b'}`).length).toBe(35);
    expect(codec.encode('@built').length).toBe(7);
  });
});
