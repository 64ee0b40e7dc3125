// What makes a SQLite file flowtwin's, and the decision to create, open or refuse it. A refused file
// is only read, never written: a wrong --store path must not damage someone else's database.
import type Database from 'better-sqlite3';
import { StoreOpenError, newerSchemaError } from './open.js';

/** "FlTw" as a big-endian int32, so `file` and other tools can tell a flowtwin store apart. */
export const APPLICATION_ID = 0x466c5477;
export const SCHEMA_VERSION = 2;

const SCHEMA = `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  -- AUTOINCREMENT so seq never reuses a deleted record's number: newest first stays insertion order.
  CREATE TABLE records (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    tenant TEXT NOT NULL,
    id TEXT NOT NULL,
    parent_id TEXT,
    created_at INTEGER NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    UNIQUE (tenant, kind, id)
  );
  -- Tenant first in every index, so a tenant's reset deletes by index, not by scanning the table.
  CREATE INDEX records_by_kind ON records (tenant, kind, seq);
  CREATE INDEX records_by_parent ON records (tenant, kind, parent_id, seq);
  CREATE TABLE counters (
    tenant TEXT NOT NULL,
    key TEXT NOT NULL,
    count INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (tenant, key)
  ) WITHOUT ROWID;
`;

/** Added in schema 2: sorted indexes and bounded logs. Run on a new file and to upgrade a version 1 file. */
const SCHEMA_2 = `
  CREATE TABLE index_members (
    tenant TEXT NOT NULL,
    name TEXT NOT NULL,
    member TEXT NOT NULL,
    score REAL NOT NULL,
    PRIMARY KEY (tenant, name, member)
  ) WITHOUT ROWID;
  CREATE INDEX index_members_by_score ON index_members (tenant, name, score);
  CREATE TABLE logs (
    tenant TEXT NOT NULL,
    name TEXT NOT NULL,
    seq INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (tenant, name, seq)
  ) WITHOUT ROWID;
`;

/** Creates the schema in an empty file or checks an existing one; returns whether it was created. */
export function openSchema(db: Database.Database, location: string): boolean {
  // IMMEDIATE: two processes opening one new file must not both decide it is empty and create it.
  return db
    .transaction(() => {
      const applicationId = db.pragma('application_id', { simple: true }) as number;
      const tables = db
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .pluck()
        .all() as string[];
      if (applicationId === APPLICATION_ID) {
        checkVersion(db, location, tables);
        return false;
      }
      if (applicationId !== 0 || tables.length > 0) {
        const what = applicationId !== 0 ? `application_id ${applicationId}` : `tables ${tables.join(', ')}`;
        throw new StoreOpenError(
          `${location} is a SQLite database but not a flowtwin store (it has ${what}); ` +
            'flowtwin will not write to it: give another path',
        );
      }
      db.exec(SCHEMA + SCHEMA_2);
      db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?)").run(String(SCHEMA_VERSION));
      db.pragma(`application_id = ${APPLICATION_ID}`);
      return true;
    })
    .immediate();
}

function checkVersion(db: Database.Database, location: string, tables: string[]): void {
  const raw = tables.includes('meta')
    ? (db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get() as string | undefined)
    : undefined;
  const version = Number(raw);
  if (!Number.isInteger(version) || version < 1) {
    throw new StoreOpenError(
      `${location} is marked as a flowtwin store but has no valid schema version (${raw ?? 'none'}); it may be damaged`,
    );
  }
  if (version > SCHEMA_VERSION) throw newerSchemaError(location, version, SCHEMA_VERSION);
  // Older files are upgraded in place: each version only adds tables, so nothing stored is touched.
  if (version === 1) {
    db.exec(SCHEMA_2);
    db.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(String(SCHEMA_VERSION));
  }
}
