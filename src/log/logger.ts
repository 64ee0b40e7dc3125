// flowtwin's log: pino, the structured logger Fastify and most Node services use, so a log shipper
// already knows its JSON lines; pino-pretty renders the same records for a person at a terminal.
// Logs go to stderr: stdout carries only what scripts wait for (the "listening on" line, a generated
// control token), in either format.
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

export const LOG_LEVELS: readonly LevelWithSilent[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface LoggerOptions {
  level?: LevelWithSilent;
  /** Default: pretty when the destination is a terminal, JSON otherwise (a file, a pipe, a log collector). */
  format?: LogFormat;
  /** Default: stderr. */
  destination?: NodeJS.WritableStream & { isTTY?: boolean };
}

export function createLogger({ level = 'info', format, destination = process.stderr }: LoggerOptions = {}): Logger {
  const tty = destination.isTTY === true;
  const options = { level, base: { name: 'flowtwin' }, timestamp: pino.stdTimeFunctions.isoTime };
  if ((format ?? (tty ? 'pretty' : 'json')) === 'pretty') {
    // Synchronous, as the JSON form is: a line is out before the process exits on a signal.
    const stream = pretty({
      destination,
      sync: true,
      colorize: tty,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,name',
      singleLine: true,
    });
    return pino(options, stream);
  }
  // Written synchronously: an async buffer would lose the last lines of a process killed by its supervisor.
  return pino(
    options,
    destination === process.stderr ? pino.destination({ dest: 2, sync: true }) : (destination as DestinationStream),
  );
}

/** A logger that writes nothing: for code that logs through an optional logger. */
export const silentLogger = (): Logger => pino({ level: 'silent' });
