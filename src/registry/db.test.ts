import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { backends, freshPostgresDatabase } from "../../test/helpers/databases.js";
import { tempFiles } from "../../test/helpers/temp-files.js";
import { RegistryError } from "../errors.js";
import { openDb } from "./db.js";
import { MIGRATIONS } from "./migrations/index.js";

const temp = tempFiles("registry-db");

for (const backend of backends("registry db")) {
  describe(`db on ${backend.name}`, () => {
    it("commits a transaction that returns and rolls back one that throws", async () => {
      const { db } = await backend.open();
      try {
        await db.transaction(async (tx) => {
          await tx.query("INSERT INTO models (name, created_at, updated_at) VALUES ('kept', now(), now())");
          // A nested call joins the enclosing transaction.
          await tx.transaction((inner) =>
            inner.query("INSERT INTO models (name, created_at, updated_at) VALUES ('nested', now(), now())"),
          );
        });
        const failure = db.transaction(async (tx) => {
          await tx.query("INSERT INTO models (name, created_at, updated_at) VALUES ('lost', now(), now())");
          throw new Error("stop");
        });
        await expect(failure).rejects.toThrow("stop");
        const { rows } = await db.query<{ name: string }>("SELECT name FROM models ORDER BY name");
        expect(rows.map((r) => r.name)).toEqual(["kept", "nested"]);
      } finally {
        await db.close();
      }
    });

    it("reports SQL errors as RegistryError DATABASE and records each migration once", async () => {
      const { db } = await backend.open();
      try {
        const error = await db.query("SELECT * FROM no_such_table").catch((e: unknown) => e);
        expect(error).toBeInstanceOf(RegistryError);
        expect((error as RegistryError).code).toBe("DATABASE");
        const { rows, rowCount } = await db.query<{ version: number }>(
          "SELECT version FROM schema_migrations ORDER BY version",
        );
        expect(rows.map((r) => Number(r.version))).toEqual(MIGRATIONS.map((m) => m.version));
        expect(rowCount).toBe(MIGRATIONS.length);
      } finally {
        await db.close();
      }
    });
  });
}

describe("db on PGlite in a data folder", () => {
  it("keeps data across reopening and does not migrate twice", async () => {
    const dataDir = join(temp.dir(), "data");
    const first = await openDb({ dataDir });
    await first.query("INSERT INTO models (name, created_at, updated_at) VALUES ('kept', now(), now())");
    await first.close();
    const second = await openDb({ dataDir });
    try {
      expect((await second.query("SELECT name FROM models")).rows).toEqual([{ name: "kept" }]);
      expect((await second.query("SELECT * FROM schema_migrations")).rowCount).toBe(MIGRATIONS.length);
    } finally {
      await second.close();
    }
  });
});

describe.runIf(process.env.MODELGATE_TEST_POSTGRES_URL)("db on PostgreSQL", () => {
  it("migrates once when several processes open a fresh database at once", async () => {
    const url = await freshPostgresDatabase();
    const dbs = await Promise.all([openDb({ url }), openDb({ url }), openDb({ url })]);
    try {
      const { rowCount } = await (dbs[0] as (typeof dbs)[0]).query("SELECT * FROM schema_migrations");
      expect(rowCount).toBe(MIGRATIONS.length);
    } finally {
      await Promise.all(dbs.map((db) => db.close()));
    }
  });

  it("says DATABASE when the server cannot be reached", async () => {
    const error = await openDb({ url: "postgres://nobody@127.0.0.1:1/none" }).catch((e: unknown) => e);
    expect((error as RegistryError).code).toBe("DATABASE");
  });
});
