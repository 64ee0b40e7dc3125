// `--record <dir>`: traffic.har and fixtures.json, both rewritten after every exchange through a
// temporary file and a rename, so whenever the proxy dies (even SIGKILL) each file on disk is a
// whole, valid document of everything answered until shortly before.
import { mkdirSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkFixtures } from '../spec/fixtures.js';
import type { RouteMatch } from './vendors.js';
import { DatadogFixtureBuilder, FIXTURE_KEYS } from './datadog-fixtures.js';
import type { Exchange } from './exchange.js';
import { harDocument, harEntry, type RecordedEntry } from './har.js';
import { headerPairs } from './headers.js';
import { secretValues } from './secrets.js';
import { SecMasterFixtureBuilder } from './secmaster-fixtures.js';

export const HAR_FILE = 'traffic.har';
export const FIXTURES_FILE = 'fixtures.json';

export class Recorder {
  private readonly entries: RecordedEntry[] = [];
  private readonly datadog = new DatadogFixtureBuilder();
  private readonly secmaster = new SecMasterFixtureBuilder();
  /** Every credential seen so far: a key sent once must not surface in a body recorded later. */
  private readonly secrets = new Set<string>();
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;

  constructor(
    readonly dir: string,
    private readonly upstream: URL,
    private readonly log: (line: string) => void,
    private readonly now: () => number = Date.now,
  ) {
    mkdirSync(dir, { recursive: true });
    this.schedule();
  }

  add(exchange: Exchange, route: RouteMatch | undefined, body: unknown): void {
    for (const s of secretValues(headerPairs([...exchange.requestHeaders, ...exchange.responseHeaders])))
      this.secrets.add(s);
    this.entries.push(harEntry(exchange, [...this.secrets]));
    if (route) {
      const observation = {
        operationId: route.op.operationId,
        params: route.params,
        status: exchange.status,
        body,
        at: exchange.startedAt,
      };
      if (route.vendor === 'datadog') this.datadog.learn(observation);
      if (route.vendor === 'secmaster') this.secmaster.learn(observation);
    }
    this.schedule();
  }

  /** Resolves once everything added so far is on disk. */
  flush(): Promise<void> {
    return this.writing;
  }

  fixtures(): Record<string, unknown> {
    const now = this.now();
    const secrets = [...this.secrets].sort((a, b) => b.length - a.length);
    const datadog = this.datadog.build(now, secrets);
    const secmaster = this.secmaster.build(now, secrets);
    return {
      $comment:
        `Recorded by flowtwin proxy from ${this.upstream.origin} at ${new Date(now).toISOString()}. ` +
        `Datadog data belongs to the fixtures' keys ${FIXTURE_KEYS.apiKey} / ${FIXTURE_KEYS.appKey}; ` +
        'times are relative to loading.',
      ...(secmaster ? { secmaster } : {}),
      ...(datadog ? { datadog } : {}),
    };
  }

  /** Writes coalesce: exchanges that end while a write runs are all in the next one. */
  private schedule(): void {
    this.dirty = true;
    this.writing = this.writing.then(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      await this.write();
    });
  }

  private async write(): Promise<void> {
    const har = harDocument(
      this.entries,
      `Recorded by flowtwin proxy from ${this.upstream.origin}; secrets masked as ***.`,
    );
    await replace(join(this.dir, HAR_FILE), JSON.stringify(har, null, 2), this.log);
    const fixtures = this.fixtures();
    try {
      checkFixtures(fixtures);
    } catch (err) {
      // A recording the fake would refuse is a bug here: say so rather than leave a file `serve --seed` rejects.
      this.log(`proxy: ${FIXTURES_FILE} not rewritten, the fake would refuse it: ${(err as Error).message}`);
      return;
    }
    await replace(join(this.dir, FIXTURES_FILE), `${JSON.stringify(fixtures, null, 2)}\n`, this.log);
  }
}

async function replace(path: string, text: string, log: (line: string) => void): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, path);
  } catch (err) {
    log(`proxy: cannot write ${path}: ${(err as Error).message}`);
  }
}
