// EventStream reads server-sent events off any byte stream: comments and other event types are
// skipped, data may span lines, CRLF and LF both end lines, events split across chunks are joined.
import { describe, expect, it } from 'vitest';
import { EventStream } from '../../src/testing/index.js';

/** An EventStream over these chunks; `end`: the server then ends the stream. */
function stream(chunks: string[], end = false): { stream: EventStream; closed: () => boolean } {
  let aborted = false;
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of chunks) controller.enqueue(encoder.encode(c));
      if (end) controller.close();
    },
  });
  return { stream: new EventStream(body, () => void (aborted = true), () => undefined), closed: () => aborted };
}

const event = (instanceId: string, to: string) => JSON.stringify({ vendor: 'datadog', tenant: 't', instanceId, from: null, to, at: '2026-01-15T10:00:00.000Z', cause: 'start' });

describe('EventStream', () => {
  it('parses transitions, skipping comments and other events, across chunk boundaries and CRLF', async () => {
    const a = event('a', 'IN_PROGRESS');
    const { stream: s } = stream([
      ': flowtwin transition events\n\n',
      'event: other\ndata: {"ignored": true}\n\n',
      `id: 1\r\nevent: transition\r\ndata: ${a.slice(0, 20)}`,
      `${a.slice(20)}\r\n\r\nid: 2\nevent: transition\ndata: {"vendor": "datadog", "tenant": "t",\ndata: "instanceId": "b", "from": "IN_PROGRESS", "to": "CANCELED", "at": "x", "cause": "cancel"}\n\n`,
    ], true);
    expect(await s.next()).toEqual(JSON.parse(a));
    expect(await s.next()).toMatchObject({ instanceId: 'b', to: 'CANCELED' });
    await expect(s.next(undefined, { timeoutMs: 50 })).rejects.toThrow(/the event stream ended before a matching transition; saw none/);
  });

  it("names why the server ended the stream when its last event says so", async () => {
    const end = JSON.stringify({ reason: 'too-slow', detail: 'the client fell more than 65536 bytes of events behind', queuedBytes: 70000, bufferedBytes: 16000, maxQueuedBytes: 65536 });
    const { stream: s } = stream([`event: transition\ndata: ${event('a', 'IN_PROGRESS')}\n\n`, `event: end\ndata: ${end}\n\n`], true);
    expect(await s.next()).toMatchObject({ instanceId: 'a' });
    await expect(s.next(undefined, { timeoutMs: 1000 })).rejects.toThrow(/the event stream ended by the server: the client fell more than 65536 bytes of events behind before a matching transition/);
  });

  it('waitFor() skips other instances and statuses; close() aborts the transport and rejects waiters', async () => {
    const { stream: s, closed } = stream([`event: transition\ndata: ${event('a', 'IN_PROGRESS')}\n\n`, `event: transition\ndata: ${event('b', 'CANCELED')}\n\n`, `event: transition\ndata: ${event('a', 'CANCELED')}\n\n`]);
    expect(await s.waitFor({ instanceId: 'a', to: ['CANCELED', 'FAILED'] })).toMatchObject({ instanceId: 'a', to: 'CANCELED' });
    await s.close();
    expect(closed()).toBe(true);
  });
});
