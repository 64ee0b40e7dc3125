// node's parseArgs for the subcommands that keep their own parsing (contract, verify-har, proxy,
// store), with the mistakes said the way serve's commander says them: the option or argument named,
// the one meant suggested, and where to read the usage. Every refusal is a UsageError (exit 2).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usage-error.js';

type Options = NonNullable<ParseArgsConfig['options']>;
/** What parseArgs gives for these options. */
export type ParsedCommand<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; allowPositionals: boolean; strict: true }>
>;

/**
 * Edit distance counting a swap of neighbours as one edit ("--prot" for "--port"), to suggest the
 * option meant for a misspelled one, as commander does for serve.
 */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  return d[a.length]![b.length]!;
}

function suggestion(given: string, options: Options): string {
  const name = given.replace(/^-+/, '').split('=')[0]!;
  const best = Object.keys(options)
    .map((o) => [o, distance(name, o)] as const)
    .sort((x, y) => x[1] - y[1])[0];
  return best && best[1] <= Math.max(1, Math.floor(name.length / 3)) ? ` (Did you mean --${best[0]}?)` : '';
}

/**
 * Parses `argv` for `flowtwin <command>`; at most `positionals` arguments that are not options
 * (default none). A value that starts with "-" and a digit is refused as a negative number rather
 * than read as an option.
 */
export function parseCommandArgs<O extends Options>(
  command: string,
  argv: string[],
  options: O,
  positionals = 0,
): ParsedCommand<O> {
  const help = ` (run 'flowtwin ${command} --help')`;
  const negative = argv.find((a) => /^-\d/.test(a));
  if (negative) throw new UsageError(`${command}: "${negative}" is negative; its numbers are 0 or more${help}`);
  let parsed: ParsedCommand<O>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: positionals > 0, strict: true });
  } catch (err) {
    const { code, message } = err as { code?: string; message: string };
    const unknown = /^Unknown option '([^']+)'/.exec(message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown)
      throw new UsageError(`${command}: unknown option ${unknown}${suggestion(unknown, options)}${help}`);
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      const extra = /'([^']*)'/.exec(message)?.[1] ?? '';
      throw new UsageError(`${command} takes no argument; unexpected "${extra}"${help}`);
    }
    const missing = /^Option '(-[^ ']+)[^']*' argument missing/.exec(message)?.[1];
    if (missing) throw new UsageError(`${command}: ${missing} needs a value${help}`);
    // Anything else node refuses: its first sentence names the option.
    throw new UsageError(`${command}: ${message.split(/\.\s/)[0]!.replace(/\.$/, '')}${help}`);
  }
  if (parsed.positionals.length > positionals)
    throw new UsageError(
      `${command} takes ${positionals === 1 ? 'one argument' : `${positionals} arguments`}; ` +
        `unexpected "${parsed.positionals.slice(positionals).join(' ')}"${help}`,
    );
  return parsed;
}
