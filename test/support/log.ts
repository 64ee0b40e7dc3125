// A logger whose records a test reads back: the JSON lines flowtwin would write, parsed.
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/log/logger.js';

export interface LogRecord {
  level: number;
  msg: string;
  [field: string]: unknown;
}

const LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

export function captureLog(level: 'trace' | 'debug' | 'info' | 'warn' = 'trace'): { logger: Logger; records: (atLeast?: keyof typeof LEVELS) => LogRecord[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger({ level, format: 'json', destination });
  return {
    logger,
    records: (atLeast = 'trace') => lines.map((l) => JSON.parse(l) as LogRecord).filter((r) => r.level >= LEVELS[atLeast]!),
  };
}
