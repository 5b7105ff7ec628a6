import type { Database, Statement } from 'better-sqlite3';

/** Statements prepared once per database connection: a catch-up folds hundreds of thousands of events. */
const statements = new WeakMap<Database, Map<string, Statement>>();

export function prepared<Parameters extends unknown[] = unknown[], Result = unknown>(db: Database, sql: string): Statement<Parameters, Result> {
  let forDb = statements.get(db);
  if (forDb === undefined) {
    forDb = new Map();
    statements.set(db, forDb);
  }
  let statement = forDb.get(sql);
  if (statement === undefined) {
    statement = db.prepare(sql);
    forDb.set(sql, statement);
  }
  return statement as Statement<Parameters, Result>;
}
