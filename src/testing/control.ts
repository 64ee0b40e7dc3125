// A typed client of the control plane (/__flowtwin, specs/flowtwin-control.yaml) over fetch, or over
// any fetch-like transport (interceptVendors passes its in-memory one). Non-2xx answers throw
// FlowtwinControlError with the problem+json detail.
import { FlowtwinControlError, JournalVerificationError } from './errors.js';
import { EventStream, type EventFilter, type NextOptions } from './events.js';
import type {
  Clock,
  Fault,
  FaultInput,
  Health,
  Override,
  OverrideInput,
  JournalEntry,
  JournalQuery,
  Problem,
  RateLimitRule,
  ResetInput,
  ResetResult,
  Scenario,
  ScenarioInput,
  TransitionEvent,
  TriggeredInstance,
  TriggerInput,
  VerificationFailure,
  Verified,
  VerifyInput,
} from './types.js';

const PREFIX = '/__flowtwin';

/** What the client needs of fetch: a path under the flowtwin base, and the answer. */
export type Fetcher = (
  target: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal | undefined },
) => Promise<Response>;

/**
 * A vendor's own credential headers: `{ 'DD-API-KEY', 'DD-APPLICATION-KEY' }`, `{ 'X-Auth-Token' }`,
 * or a signed request's `{ 'X-Project-Id', Authorization, ... }`. Calls carrying them act on that tenant only.
 */
export type Credentials = Record<string, string>;

export interface WaitForOptions extends NextOptions {
  instanceId: string;
  /** The status (or one of the statuses) to wait for, in the vendor's words: 'CANCELED', 'TERMINATED'. */
  to: string | string[];
  vendor?: string;
}

export interface ControlClient {
  /** The credentials every call carries, if any. */
  readonly credentials: Credentials | undefined;
  /** The same client acting on one tenant: its clock, data, rules, journal and events. */
  forTenant(credentials: Credentials): ControlClient;
  health(): Promise<Health>;
  /** Empties the store, puts the clock back to real time and reloads the fixtures (`{seed: false}`: empty). */
  reset(options?: ResetInput): Promise<ResetResult>;
  clock: {
    get(): Promise<Clock>;
    freeze(): Promise<Clock>;
    resume(): Promise<Clock>;
    advance(ms: number): Promise<Clock>;
    speed(factor: number): Promise<Clock>;
  };
  scenarios: {
    add(scenario: ScenarioInput): Promise<Scenario>;
    list(): Promise<Scenario[]>;
    remove(id: string): Promise<void>;
  };
  faults: {
    add(fault: FaultInput): Promise<Fault>;
    list(): Promise<Fault[]>;
    remove(id: string): Promise<void>;
  };
  /** Answer matching vendor requests with exactly this; checked against the operation's spec unless `offSpec`. */
  overrides: {
    add(override: OverrideInput): Promise<Override>;
    /** Newest first, the order they are tried in. */
    list(): Promise<Override[]>;
    remove(id: string): Promise<void>;
  };
  rateLimits: {
    /** Replaces every rule; `[]` turns rate limiting off. */
    set(rules: RateLimitRule[]): Promise<RateLimitRule[]>;
    get(): Promise<RateLimitRule[]>;
  };
  journal: {
    query(filter?: JournalQuery): Promise<JournalEntry[]>;
    /** Resolves when exactly `count` requests match; else throws JournalVerificationError listing what was seen. */
    verify(expectation: VerifyInput): Promise<Verified>;
  };
  events: {
    /** Resolves once the stream is listening: transitions caused after that are all delivered. */
    open(filter?: EventFilter): Promise<EventStream>;
    /**
     * Opens a stream, waits for the first matching transition, closes it
     * (listening from a moment after the call, as waitFor).
     */
    next(predicate: (event: TransitionEvent) => boolean, options?: NextOptions & EventFilter): Promise<TransitionEvent>;
    /**
     * Opens a stream on one instance and waits until it reaches `to`. The stream listens from a moment
     * after the call: for a transition your next call causes at once, open() first and wait on the stream.
     */
    waitFor(options: WaitForOptions): Promise<TransitionEvent>;
  };
  secmaster: {
    /** A data object changed: starts a playbook run (201, the instance as ShowPlaybookInstance gives it). */
    trigger(input: TriggerInput): Promise<TriggeredInstance>;
  };
  /** Closes the event streams this client and its forTenant clients opened. */
  close(): Promise<void>;
}

const query = (params: Record<string, string | number | undefined>): string => {
  const entries = Object.entries(params).filter((e): e is [string, string | number] => e[1] !== undefined);
  return entries.length
    ? `?${new URLSearchParams(entries.map(([k, v]): [string, string] => [k, String(v)])).toString()}`
    : '';
};

function parseProblem(text: string): Problem | undefined {
  try {
    const body = JSON.parse(text) as Partial<Problem>;
    return typeof body.detail === 'string' ? (body as Problem) : undefined;
  } catch {
    return undefined;
  }
}

export interface ControlClientOptions {
  credentials?: Credentials;
  /** The flowtwin's control token (`--control-token`), sent as X-Flowtwin-Control-Token on every call. */
  controlToken?: string;
}

/** A client of the flowtwin at `base` (its URL), or of a fetch-like transport. */
export function controlClient(base: string | Fetcher, options: ControlClientOptions = {}): ControlClient {
  const send: Fetcher = typeof base === 'string' ? (target, init) => fetch(new URL(target, base), init) : base;
  const token = options.controlToken;
  const fetcher: Fetcher =
    token === undefined
      ? send
      : (target, init) => send(target, { ...init, headers: { ...init.headers, 'x-flowtwin-control-token': token } });
  return makeClient(fetcher, options.credentials, new Set());
}

function makeClient(fetcher: Fetcher, credentials: Credentials | undefined, streams: Set<EventStream>): ControlClient {
  const send = async (method: string, path: string, body?: unknown): Promise<Response> => {
    const headers: Credentials = { ...credentials };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return fetcher(`${PREFIX}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  };

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await send(method, path, body);
    const text = await res.text();
    if (!res.ok) throw new FlowtwinControlError(`${method} ${PREFIX}${path}`, res.status, parseProblem(text));
    return (text ? JSON.parse(text) : undefined) as T;
  }

  const open = async (filter: EventFilter = {}): Promise<EventStream> => {
    const path = `/events${query({ vendor: filter.vendor, instance: filter.instance })}`;
    const abort = new AbortController();
    const res = await fetcher(`${PREFIX}${path}`, {
      method: 'GET',
      headers: { ...credentials, accept: 'text/event-stream' },
      signal: abort.signal,
    });
    if (!res.ok || !res.body)
      throw new FlowtwinControlError(`GET ${PREFIX}${path}`, res.status, parseProblem(await res.text()));
    const stream = new EventStream(
      res.body,
      () => abort.abort(),
      (s) => streams.delete(s),
    );
    streams.add(stream);
    return stream;
  };

  const once = async (
    filter: EventFilter,
    predicate: (e: TransitionEvent) => boolean,
    options: NextOptions,
  ): Promise<TransitionEvent> => {
    const stream = await open(filter);
    try {
      return await stream.next(predicate, options);
    } finally {
      await stream.close();
    }
  };

  return {
    credentials,
    forTenant: (tenantCredentials) => makeClient(fetcher, tenantCredentials, streams),
    health: () => call('GET', '/health'),
    reset: (options) => call('POST', '/reset', options ?? {}),
    clock: {
      get: () => call('GET', '/clock'),
      freeze: () => call('POST', '/clock/freeze'),
      resume: () => call('POST', '/clock/resume'),
      advance: (ms) => call('POST', '/clock/advance', { ms }),
      speed: (speed) => call('POST', '/clock/speed', { speed }),
    },
    scenarios: {
      add: (scenario) => call('POST', '/scenarios', scenario),
      list: async () => (await call<{ scenarios: Scenario[] }>('GET', '/scenarios')).scenarios,
      remove: (id) => call('DELETE', `/scenarios/${encodeURIComponent(id)}`),
    },
    faults: {
      add: (fault) => call('POST', '/faults', fault),
      list: async () => (await call<{ faults: Fault[] }>('GET', '/faults')).faults,
      remove: (id) => call('DELETE', `/faults/${encodeURIComponent(id)}`),
    },
    overrides: {
      add: (override) => call('POST', '/overrides', override),
      list: async () => (await call<{ overrides: Override[] }>('GET', '/overrides')).overrides,
      remove: (id) => call('DELETE', `/overrides/${encodeURIComponent(id)}`),
    },
    rateLimits: {
      set: async (rules) => (await call<{ rules: RateLimitRule[] }>('PUT', '/rate-limits', { rules })).rules,
      get: async () => (await call<{ rules: RateLimitRule[] }>('GET', '/rate-limits')).rules,
    },
    journal: {
      query: async (filter = {}) =>
        (await call<{ entries: JournalEntry[] }>('GET', `/journal${query(filter)}`)).entries,
      verify: async (expectation) => {
        const res = await send('POST', '/journal/verify', expectation);
        const text = await res.text();
        if (res.ok) return JSON.parse(text) as Verified;
        const problem = parseProblem(text);
        if (res.status !== 409 || !problem)
          throw new FlowtwinControlError(`POST ${PREFIX}/journal/verify`, res.status, problem);
        const { count: _count, ...filter } = expectation;
        const recent = (await call<{ entries: JournalEntry[] }>('GET', '/journal')).entries.slice(-10);
        throw new JournalVerificationError(
          `POST ${PREFIX}/journal/verify`,
          filter,
          problem as VerificationFailure,
          recent,
        );
      },
    },
    events: {
      open,
      next: (predicate, { vendor, instance, ...options } = {}) => once({ vendor, instance }, predicate, options),
      waitFor: async ({ vendor, ...wanted }) => {
        const stream = await open({ vendor, instance: wanted.instanceId });
        try {
          return await stream.waitFor(wanted);
        } finally {
          await stream.close();
        }
      },
    },
    secmaster: {
      trigger: (input) => call('POST', '/secmaster/trigger', input),
    },
    close: async () => {
      await Promise.all([...streams].map((s) => s.close()));
    },
  };
}
