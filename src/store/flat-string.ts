// V8 builds some strings as ropes of small pieces: crypto.randomUUID()'s are about 500 bytes each
// until flattened, against 86 flat. A stored id or index member lives as long as its record, so the
// memory store flattens what it keeps. Converting a string to a number flattens it in place (the
// trick the flatstr package uses); the string's value is unchanged.
export function flat(s: string): string {
  void ((s as unknown as number) | 0);
  return s;
}
