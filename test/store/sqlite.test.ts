import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreOpenError } from '../../src/store/open.js';
import { SQL, SqliteStore } from '../../src/store/sqlite.js';
import { SCHEMA_VERSION } from '../../src/store/sqlite-schema.js';
import { runStoreConformance } from './conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'flowtwin-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const newFile = () => join(dir, `store-${++n}.db`);

runStoreConformance('sqlite', async () => new SqliteStore(newFile()), {
  info: { kind: 'sqlite', durable: true, shared: false },
  makePeer: async (store) => new SqliteStore(store.info.location),
});

const thing = { kind: 'test.thing', tenant: 't1', createdAt: 1, version: 1 };

function openError(file: string): StoreOpenError {
  try {
    new SqliteStore(file).close();
  } catch (err) {
    expect(err).toBeInstanceOf(StoreOpenError);
    return err as StoreOpenError;
  }
  throw new Error(`${file} opened`);
}

describe('sqlite store on disk', () => {
  it('keeps records, versions, order and counters across close and reopen, and says the data is not fresh', async () => {
    const file = newFile();
    const first = new SqliteStore(file);
    expect(first.info).toMatchObject({ location: file, fresh: true });
    await first.create({ ...thing, id: 'old', parentId: 'p', data: 1 });
    await first.update({ ...thing, id: 'old', data: 2 }, 1);
    await first.increment('t1', 'k', 600_000);
    await first.close();

    const second = new SqliteStore(file);
    expect(second.info.fresh).toBe(false);
    expect(await second.get('test.thing', 't1', 'old')).toMatchObject({ parentId: 'p', version: 2, data: 2 });
    expect(await second.increment('t1', 'k', 600_000)).toBe(2);
    await second.create({ ...thing, id: 'new', parentId: 'p', data: 3 });
    expect((await second.scan('test.thing', 't1', 'p')).map((r) => r.id)).toEqual(['new', 'old']);
    await second.close();
  });

  it('keeps what was committed when the writing process is SIGKILLed', async () => {
    const file = newFile();
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'sqlite-writer.ts'), file], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('committed') && resolve());
      child.once('exit', (code) => reject(new Error(`writer exited with ${code} before committing`)));
    });
    const killed = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    child.kill('SIGKILL');
    expect(await killed).toBe('SIGKILL');
    // Nothing was checkpointed: the commits live only in the WAL that a reopen has to recover.
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(0);

    const store = new SqliteStore(file);
    expect(await store.get('test.thing', 't1', 'a')).toMatchObject({ version: 2, data: { n: 1 } });
    expect(await store.increment('t1', 'k', 600_000)).toBe(2);
    await store.close();
  });

  it('creates a store in an empty file', async () => {
    const file = newFile();
    writeFileSync(file, '');
    const store = new SqliteStore(file);
    expect(store.info.fresh).toBe(true);
    await store.close();
  });

  it('refuses a file that is not SQLite, naming it and leaving it as it was', () => {
    const file = newFile();
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
    writeFileSync(file, bytes);
    const err = openError(file);
    expect(err.message).toContain(file);
    expect(err.message).toContain('is not a SQLite database');
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });

  it('refuses a SQLite file with a valid header but a damaged body', () => {
    const file = newFile();
    writeFileSync(file, Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(4080, 0xff)]));
    expect(openError(file).message).toContain(file);
  });

  it('refuses another program’s SQLite database, naming its tables, and does not write to it', () => {
    const file = newFile();
    const other = new Database(file);
    other.exec("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices (total) VALUES (9.5)");
    other.close();
    const before = readFileSync(file);
    const err = openError(file);
    expect(err.message).toMatch(new RegExp(`^${file} is a SQLite database but not a flowtwin store \\(it has tables invoices\\)`));
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses an empty SQLite database that another application has claimed', () => {
    const file = newFile();
    const other = new Database(file);
    other.pragma('application_id = 1234');
    other.close();
    expect(openError(file).message).toContain('application_id 1234');
  });

  it('refuses a store written by a newer flowtwin', async () => {
    const file = newFile();
    await new SqliteStore(file).close();
    const db = new Database(file);
    db.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(String(SCHEMA_VERSION + 1));
    db.close();
    expect(openError(file).message).toBe(`${file}: this store was written by a newer flowtwin (schema ${SCHEMA_VERSION + 1}); this flowtwin reads schema ${SCHEMA_VERSION}`);
  });

  it('upgrades a schema 1 store in place, keeping its records', async () => {
    const file = newFile();
    const old = new SqliteStore(file);
    await old.create({ kind: 'k', tenant: 't', id: 'a', createdAt: 1, version: 1, data: { kept: true } });
    await old.close();
    // What flowtwin 0.1 wrote: no index or log tables, schema_version 1.
    const db = new Database(file);
    db.exec("DROP TABLE index_members; DROP TABLE logs; UPDATE meta SET value = '1' WHERE key = 'schema_version'");
    db.close();
    const store = new SqliteStore(file);
    expect(store.info.fresh).toBe(false);
    expect(await store.get('k', 't', 'a')).toMatchObject({ data: { kept: true } });
    expect(await store.append('t', 'log', 'x', 5)).toBe(1);
    await store.close();
    const check = new Database(file, { readonly: true });
    expect(check.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get()).toBe(String(SCHEMA_VERSION));
    check.close();
  });

  it('refuses a directory and a path whose directory does not exist', () => {
    expect(openError(dir).message).toContain('is a directory');
    expect(openError(join(dir, 'missing', 'store.db')).message).toContain(join(dir, 'missing', 'store.db'));
  });

  it('answers lists and totals from an index, touching no other parent or kind', async () => {
    const file = newFile();
    await new SqliteStore(file).close();
    const db = new Database(file, { readonly: true });
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ kind: 'k', tenant: 't', parentId: 'p', offset: 0, limit: 1 }) as { detail: string }[]).map((r) => r.detail).join('; ');
    expect(plan(SQL.pageOfParent)).toMatch(/^SEARCH records USING INDEX records_by_parent \(tenant=\? AND kind=\? AND parent_id=\?\)$/);
    expect(plan(SQL.countOfParent)).toMatch(/^SEARCH records USING COVERING INDEX records_by_parent \(tenant=\? AND kind=\? AND parent_id=\?\)$/);
    expect(plan(SQL.pageOfKind)).toMatch(/^SEARCH records USING INDEX records_by_kind \(tenant=\? AND kind=\?\)$/);
    expect(plan(SQL.countOfKind)).toMatch(/^SEARCH records USING COVERING INDEX records_by_kind \(tenant=\? AND kind=\?\)$/);
    db.close();
  });

  it('reads a page of a sorted index from its score index in either order, with no sort step', async () => {
    const file = newFile();
    await new SqliteStore(file).close();
    const db = new Database(file, { readonly: true });
    const params = { tenant: 't', name: 'i', min: 0, max: 10, offset: 0, limit: 1 };
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map((r) => r.detail).join('; ');
    for (const sql of [SQL.indexRange, SQL.indexRangeReverse]) {
      expect(plan(sql)).toBe('SEARCH index_members USING COVERING INDEX index_members_by_score (tenant=? AND name=? AND score>? AND score<?)');
    }
    db.close();
  });
});

describe('sqlite store counters', () => {
  it('deletes expired rate-limit counters as it goes, so a key per minute does not grow the file for ever', async () => {
    let now = 1_000_000;
    const file = newFile();
    const store = new SqliteStore(file, { wallClock: () => now });
    const rows = () => {
      const db = new Database(file, { readonly: true });
      try {
        return (db.prepare('SELECT count(*) AS n FROM counters').get() as { n: number }).n;
      } finally {
        db.close();
      }
    };
    for (let i = 0; i < 999; i++) await store.increment('t1', `minute-${i}`, 60_000);
    expect(rows()).toBe(999);
    now += 60_000;
    // The thousandth increment sweeps what has expired, and keeps what has not.
    await store.increment('t1', 'live', 60_000);
    expect(rows()).toBe(1);
    for (let i = 0; i < 999; i++) await store.increment('t1', 'live', 60_000);
    expect(await store.increment('t1', 'live', 60_000)).toBe(1001);
    await store.close();
  });
});

describe('sqlite store appends', () => {
  const walBytes = (file: string) => statSync(`${file}-wal`).size;

  it('writes the appends of one turn of the event loop in one commit, numbered in call order', async () => {
    const file = newFile();
    const store = new SqliteStore(file);
    await store.append('t1', 'log', 'warm', 1000);
    const before = walBytes(file);
    const seqs = await Promise.all(Array.from({ length: 200 }, (_, i) => store.append('t1', 'log', { i }, 1000)));
    expect(seqs).toEqual(Array.from({ length: 200 }, (_, i) => i + 2));
    // One commit per append would add at least one 4 KiB page to the WAL each: 800 KiB.
    expect(walBytes(file) - before).toBeLessThan(20 * 4096);
    expect((await store.readLog('t1', 'log')).map((e) => e.seq)).toEqual([1, ...seqs]);
    await store.close();
  });

  it('numbers and trims each log of a batch as if appended one by one', async () => {
    const store = new SqliteStore(newFile());
    await store.append('t1', 'a', 'old', 10);
    const calls = [
      store.append('t1', 'a', 1, 2),
      store.append('t2', 'a', 'x', 10),
      store.append('t1', 'a', 2, 2),
      store.append('t1', 'b', 'y', 10),
      store.append('t1', 'a', 3, 2),
      store.append('t1', 'a', 4, 10),
    ];
    // Logs named "a" share one numbering across tenants; "b" has its own.
    expect(await Promise.all(calls)).toEqual([2, 3, 4, 1, 5, 6]);
    // seq 5 with keep 2 dropped "old" and 1; seq 6's larger keep does not bring them back.
    expect(await store.readLog('t1', 'a')).toEqual([
      { seq: 4, entry: 2 },
      { seq: 5, entry: 3 },
      { seq: 6, entry: 4 },
    ]);
    expect(await store.readLog('t2', 'a')).toEqual([{ seq: 3, entry: 'x' }]);
    expect(await store.readLog('t1', 'b')).toEqual([{ seq: 1, entry: 'y' }]);
    await store.close();
  });

  it('keeps the order of appends not yet written with reads, resets and close', async () => {
    const file = newFile();
    const store = new SqliteStore(file);
    const entry = { n: 1 };
    const first = store.append('t1', 'log', entry, 10);
    entry.n = 2;
    expect(await store.readLog('t1', 'log')).toEqual([{ seq: 1, entry: { n: 1 } }]);
    const dropped = store.append('t1', 'log', 'before reset', 10);
    await store.reset('t1');
    expect(await store.readLog('t1', 'log')).toEqual([]);
    const kept = store.append('t1', 'log', 'before close', 10);
    await store.close();
    // A tenant's reset keeps the log name's numbering (other tenants' logs of that name share it).
    expect(await Promise.all([first, dropped, kept])).toEqual([1, 2, 3]);
    await expect(store.append('t1', 'log', 'after close', 10)).rejects.toThrow(`the SQLite store at ${file} is closed`);

    const reopened = new SqliteStore(file);
    expect(await reopened.readLog('t1', 'log')).toEqual([{ seq: 3, entry: 'before close' }]);
    expect(await reopened.append('t2', 'log', 'after reopening', 10)).toBe(4);
    await reopened.close();
  });

  it('rejects every append of a failed batch, writes none of it, and goes on appending', async () => {
    const file = newFile();
    const store = new SqliteStore(file);
    await store.append('t1', 'log', 'before', 10);
    const other = new Database(file);
    other.exec(`CREATE TRIGGER refuse BEFORE INSERT ON logs WHEN NEW.data = '"boom"' BEGIN SELECT RAISE(ABORT, 'refused'); END`);
    const batch = [store.append('t1', 'log', 'fine', 10), store.append('t1', 'log', 'boom', 10), store.append('t2', 'log', 'fine', 10)];
    for (const result of await Promise.allSettled(batch)) expect(result).toMatchObject({ status: 'rejected', reason: { message: 'refused' } });
    other.exec('DROP TRIGGER refuse');
    other.close();
    expect(await store.append('t1', 'log', 'after', 10)).toBe(2);
    expect(await store.readLog('t1', 'log')).toEqual([
      { seq: 1, entry: 'before' },
      { seq: 2, entry: 'after' },
    ]);
    expect(await store.readLog('t2', 'log')).toEqual([]);
    await store.close();
  });
});
