/**
 * One SQL dialect, PostgreSQL, over two backends: PGlite (embedded, a data folder) and a PostgreSQL
 * server by URL. Everything above this file speaks only this interface.
 */
import { mkdir } from "node:fs/promises";
import type { PGlite, Transaction } from "@electric-sql/pglite";
import type pg from "pg";
import { RegistryError } from "../errors.js";
import { MIGRATIONS } from "./migrations/index.js";

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

/** Held for the whole migration transaction so two processes starting at once migrate one after the other. */
const MIGRATION_LOCK_KEY = 7_421_337_001;

/** Opens the database and applies pending migrations. */
export async function openDb(options: OpenDbOptions): Promise<Db> {
  const db =
    options.url !== undefined && /^postgres(ql)?:\/\//.test(options.url)
      ? await openPostgres(options.url)
      : await openPglite(options.dataDir ?? "./.modelgate");
  try {
    await migrate(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

async function migrate(db: Db): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await tx.query<{ version: number }>("SELECT version FROM schema_migrations");
    const applied = new Set(rows.map((r) => Number(r.version)));
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      for (const statement of migration.statements) await tx.query(statement);
      await tx.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [
        migration.version,
        migration.name,
      ]);
    }
  });
}

function databaseError(error: unknown): unknown {
  if (error instanceof RegistryError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new RegistryError("DATABASE", `database error: ${message}`, { cause: error });
}

async function openPglite(dataDir: string): Promise<Db> {
  if (dataDir !== "memory://") await mkdir(dataDir, { recursive: true });
  // Loaded on demand: `modelgate scan` must not pay for the WASM Postgres.
  const { PGlite } = await import("@electric-sql/pglite");
  const lite = await PGlite.create(dataDir);
  return pgliteDb(lite);
}

function pgliteDb(lite: PGlite): Db {
  const run = async (on: PGlite | Transaction, sql: string, params?: unknown[]) => {
    try {
      const result = await on.query<never>(sql, params);
      // PGlite's affectedRows is 0 for a SELECT; a statement that returns rows counts them, as pg does.
      const rowCount = result.fields.length > 0 ? result.rows.length : (result.affectedRows ?? 0);
      return { rows: result.rows, rowCount };
    } catch (error) {
      throw databaseError(error);
    }
  };
  const inTransaction = (tx: Transaction): Db => {
    const db: Db = {
      kind: "pglite",
      query: (sql, params) => run(tx, sql, params),
      // Nested calls join the enclosing transaction.
      transaction: (fn) => fn(db),
      close: () => Promise.reject(new Error("close() inside a transaction")),
    };
    return db;
  };
  return {
    kind: "pglite",
    query: (sql, params) => run(lite, sql, params),
    transaction: (fn) => lite.transaction((tx) => fn(inTransaction(tx))),
    close: () => lite.close(),
  };
}

async function openPostgres(url: string): Promise<Db> {
  const { default: pgModule } = await import("pg");
  const pool = new pgModule.Pool({ connectionString: url, max: 10 });
  // An idle client's error (server restart) must not crash the process; the next query reports it.
  pool.on("error", () => {});
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end();
    throw databaseError(error);
  }
  return postgresDb(pool);
}

type Queryable = Pick<pg.Pool, "query"> | Pick<pg.PoolClient, "query">;

async function runPg(on: Queryable, sql: string, params?: unknown[]) {
  try {
    const result = await on.query(sql, params as unknown[]);
    return { rows: result.rows, rowCount: result.rowCount ?? result.rows.length };
  } catch (error) {
    throw databaseError(error);
  }
}

function postgresDb(pool: pg.Pool): Db {
  return {
    kind: "postgres",
    query: (sql, params) => runPg(pool, sql, params),
    transaction: async (fn) => {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw databaseError(error);
      }
      const tx: Db = {
        kind: "postgres",
        query: (sql, params) => runPg(client, sql, params),
        transaction: (inner) => inner(tx),
        close: () => Promise.reject(new Error("close() inside a transaction")),
      };
      let broken = false;
      try {
        await runPg(client, "BEGIN");
        const value = await fn(tx);
        await runPg(client, "COMMIT");
        return value;
      } catch (error) {
        try {
          await client.query("ROLLBACK");
        } catch {
          broken = true;
        }
        throw error;
      } finally {
        // A client whose ROLLBACK failed is in an unknown state: destroy it rather than reuse it.
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
