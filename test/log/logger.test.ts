import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';

function sink(isTTY = false): { out: Writable & { isTTY?: boolean }; text: () => string } {
  let text = '';
  const out = Object.assign(
    new Writable({
      write(chunk: Buffer, _e, done) {
        text += chunk.toString('utf8');
        done();
      },
    }),
    { isTTY },
  );
  return { out, text: () => text };
}

describe('createLogger', () => {
  it('writes JSON lines with an ISO time, the level number and the fields, and drops what is below its level', () => {
    const { out, text } = sink();
    const log = createLogger({ level: 'info', destination: out });
    log.debug('not shown');
    log.info({ status: 200 }, 'GET /x 200');
    const lines = text().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({
      level: 30,
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      name: 'flowtwin',
      status: 200,
      msg: 'GET /x 200',
    });
  });

  it('renders one readable line per record on a terminal (or with format pretty), colour only on a terminal', () => {
    const piped = sink();
    createLogger({ format: 'pretty', destination: piped.out }).warn({ status: 503 }, 'store contention');
    expect(piped.text()).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: store contention \{"status":503\}\n$/);
    const tty = sink(true);
    createLogger({ destination: tty.out }).info('listening');
    expect(tty.text()).toContain('listening');
    expect(tty.text()).toContain('\u001b[');
    expect(tty.text().trim().split('\n')).toHaveLength(1);
  });
});
