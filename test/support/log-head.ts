import Database from 'better-sqlite3';

/** The embedded store's head (last position) and its number of streams, read from the file without opening the store. */
export function logHead(file: string): { readonly position: bigint; readonly streams: number } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const head = db.prepare<[], { position: number }>('SELECT position FROM log_head WHERE id = 1').get();
    const streams = db.prepare<[], { n: number }>('SELECT count(DISTINCT stream) AS n FROM events').get();
    return { position: BigInt(head?.position ?? 0), streams: streams?.n ?? 0 };
  } finally {
    db.close();
  }
}
