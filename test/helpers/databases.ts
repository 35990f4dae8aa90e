/**
 * The registry suites run against both backends: PGlite (in memory) and a real PostgreSQL server, whose
 * URL `npm test` provides in MODELGATE_TEST_POSTGRES_URL after starting a throwaway cluster. Each call
 * to `open` gives a fresh, empty, migrated database.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { type Db, openDb } from "../../src/registry/db.js";

export interface Backend {
  name: "pglite" | "postgres";
  /** A fresh migrated database, and its URL for a server process (`memory://` is not shareable). */
  open(): Promise<{ db: Db; url: string | null; dataDir: string | null }>;
}

const POSTGRES_URL = process.env.MODELGATE_TEST_POSTGRES_URL;

/** Creates an empty database on the test server and returns its URL. */
export async function freshPostgresDatabase(): Promise<string> {
  if (!POSTGRES_URL) throw new Error("MODELGATE_TEST_POSTGRES_URL is not set");
  const name = `mg_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * The backends to run against. Without a PostgreSQL URL the server backend is not run, and that is said
 * plainly; under CI it is an error, so a green CI run always covered both.
 */
export function backends(what: string): Backend[] {
  const list: Backend[] = [
    {
      name: "pglite",
      open: async () => ({ db: await openDb({ dataDir: "memory://" }), url: null, dataDir: null }),
    },
  ];
  if (POSTGRES_URL) {
    list.push({
      name: "postgres",
      open: async () => {
        const url = await freshPostgresDatabase();
        return { db: await openDb({ url }), url, dataDir: null };
      },
    });
  } else if (process.env.CI) {
    throw new Error(`${what}: MODELGATE_TEST_POSTGRES_URL is not set under CI; run the suite with npm test`);
  } else {
    console.warn(
      `NOT RUN against PostgreSQL: ${what} (MODELGATE_TEST_POSTGRES_URL is not set; npm test sets it)`,
    );
  }
  return list;
}
