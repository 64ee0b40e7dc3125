// `flowtwin store check`: recomputes every instance index from the stored records and says where the
// two differ, as fsck does for a file system; `--repair` makes the indexes match the records.
import { parseCommandArgs } from './cli/parse-args.js';
import { createFlowtwin, type StoreDifference } from './http/app.js';
import { openStore } from './store/open.js';

export const STORE_CHECK_USAGE = `flowtwin store check --store sqlite:<path> | redis://host:port/db [--repair] [--json]
    recomputes the instance indexes (list counts, per-status counts, pages by start time) from the
    records and lists every entry that differs; exit 0 when none does, 1 when some do (0 after --repair
    fixed them). Stop the servers writing to the store first: a write racing the check reads as a difference.`;

export class StoreCheckUsageError extends Error {}

export async function storeCheckCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    'store',
    argv,
    {
      store: { type: 'string' },
      repair: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    1,
  );
  if (values.help) {
    console.log(STORE_CHECK_USAGE);
    return 0;
  }
  if (positionals[0] !== 'check')
    throw new StoreCheckUsageError(
      `store ${positionals[0] === undefined ? 'needs an action' : `has no action "${positionals[0]}"`}: ` +
        `the one it has is check\n\nusage: ${STORE_CHECK_USAGE}`,
    );
  if (!values.store)
    throw new StoreCheckUsageError('store check needs --store: the store to check (sqlite:<path> or a redis:// URL)');
  // A memory store is new and empty in this process: checking it would always pass and prove nothing.
  if (values.store === 'memory')
    throw new StoreCheckUsageError(
      'store check reads a store that outlives a process: give --store sqlite:<path> or a redis:// URL, not memory',
    );
  const store = await openStore(values.store);
  try {
    // No fixtures: a check must not seed an empty store it was pointed at by mistake.
    const flowtwin = await createFlowtwin({ store });
    const differences = await flowtwin.checkStore({ repair: values.repair });
    report(differences, values.repair, values.json);
    return differences.length > 0 && !values.repair ? 1 : 0;
  } finally {
    await store.close();
  }
}

function report(differences: StoreDifference[], repaired: boolean, json: boolean): void {
  if (json) {
    console.log(JSON.stringify({ differences, repaired: repaired && differences.length > 0 }, null, 2));
    return;
  }
  for (const d of differences) {
    const what =
      d.stored === null
        ? `missing (expected score ${d.expected})`
        : d.expected === null
          ? `extra (score ${d.stored})`
          : `score ${d.stored}, expected ${d.expected}`;
    console.log(
      `${d.vendor} tenant ${JSON.stringify(d.tenant)} parent ${JSON.stringify(d.parentId)}: ` +
        `${d.index} ${d.member}: ${what}`,
    );
  }
  if (differences.length === 0) console.log('store check: every index agrees with the records');
  else
    console.log(
      `store check: ${differences.length} index entr${differences.length === 1 ? 'y differs' : 'ies differ'}` +
        ' from the records' +
        (repaired ? '; repaired' : '; run again with --repair to fix them'),
    );
}
