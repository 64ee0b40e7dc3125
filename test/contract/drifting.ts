// A fetch that rewrites a real flowtwin's answers, the way a drifted vendor would answer.

export interface Seen {
  method: string;
  url: URL;
  headers: Record<string, string>;
  status: number;
  contentType: string;
  body: unknown;
  /** How many earlier requests had the same method and path. */
  nth: number;
}
export type Rewrite = (s: Seen) => Partial<Pick<Seen, 'status' | 'contentType' | 'body'>> | undefined;

export function drifting(rewrite: Rewrite): typeof fetch {
  const counts = new Map<string, number>();
  return async (input, init) => {
    const url = new URL(String(input));
    const res = await fetch(input, init);
    const text = await res.text();
    const key = `${init?.method ?? 'GET'} ${url.pathname}`;
    const nth = counts.get(key) ?? 0;
    counts.set(key, nth + 1);
    const seen: Seen = {
      method: init?.method ?? 'GET',
      url,
      headers: (init?.headers ?? {}) as Record<string, string>,
      status: res.status,
      contentType: res.headers.get('content-type') ?? '',
      body: text ? JSON.parse(text) : undefined,
      nth,
    };
    const out = { ...seen, ...rewrite(seen) };
    const headers = new Headers(res.headers);
    headers.set('content-type', out.contentType);
    return new Response(out.body === undefined ? null : typeof out.body === 'string' ? out.body : JSON.stringify(out.body), { status: out.status, headers });
  };
}

