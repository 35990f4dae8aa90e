/**
 * One SQL dialect, PostgreSQL, over two backends: PGlite (embedded, a data folder) and a PostgreSQL
 * server by URL. Everything above this file speaks only this interface.
 */
export interface Db {
  readonly kind: "pglite" | "postgres";
  /** One statement with `$1`-style parameters. */
  query<T = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
  ): Promise<{ rows: T[]; rowCount: number }>;
  /** Runs `fn` in one transaction: committed when it returns, rolled back when it throws. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenDbOptions {
  /** `postgres://...`: a PostgreSQL server. Otherwise PGlite in `dataDir`. */
  url?: string;
  /** PGlite data folder (default `./.modelgate`); `memory://` for an in-memory database (tests). */
  dataDir?: string;
}

/** Opens the database and applies pending migrations. */
export async function openDb(_options: OpenDbOptions): Promise<Db> {
  throw new Error("openDb: not built yet");
}
