/**
 * The server process is SIGKILLed while writes are in flight (pushes, large vet reports, approvals), then
 * restarted on the same data: every write it acknowledged (a 2xx received before the kill) must be there,
 * and nothing may be half done: a version without its audit entry or full manifest, an alias move without
 * its approval on record, a broken audit chain.
 *
 * PGlite: the server process owns the data folder (PGlite is one process's database), so the database
 * survives only as what PGlite had written to its files when the process died.
 */
import { describe, expect, it } from "vitest";
import type { VetReport } from "../src/policy/types.js";
import { vet } from "../src/policy/vet.js";
import type { RegistryClient } from "../src/registry/client.js";
import { openDb } from "../src/registry/db.js";
import { manifestDigest, manifestOf } from "../src/registry/digest.js";
import { backends } from "./helpers/databases.js";
import {
  createTokenEmbedded,
  registryLocation,
  reportVariant,
  type ServerProcess,
  startServerProcess,
} from "./helpers/registry-server.js";
import { tempFiles } from "./helpers/temp-files.js";
import { writePermissiveRepo } from "./writers/model-repos.js";

const files = tempFiles("crash-safety");
const MODEL = "crashy";

/**
 * Starts every operation at once, waits until a quarter of them are acknowledged, then SIGKILLs the
 * server. Returns what was acknowledged (before or while it died) and how many were still in flight.
 */
async function killMidway<T>(
  server: ServerProcess,
  operations: (() => Promise<T>)[],
): Promise<{ acknowledged: T[]; inFlightAtKill: number }> {
  const acknowledged: T[] = [];
  let settled = 0;
  const enough = Math.ceil(operations.length / 4);
  let enoughAcked: () => void = () => undefined;
  const acked = new Promise<void>((resolve) => {
    enoughAcked = resolve;
  });
  const all = Promise.allSettled(
    operations.map((op) =>
      op().then(
        (value) => {
          acknowledged.push(value);
          settled++;
          if (acknowledged.length >= enough) enoughAcked();
        },
        () => {
          settled++;
        },
      ),
    ),
  );
  await Promise.race([acked, all]);
  const inFlightAtKill = operations.length - settled;
  await server.kill();
  await all;
  return { acknowledged, inFlightAtKill };
}

async function allPages<T>(
  fetchPage: (cursor: string | null) => Promise<{ items: T[]; nextCursor: string | null }>,
) {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page = await fetchPage(cursor);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

/** What the API says after a restart: the chain verifies; every version is whole and acknowledged ones are there. */
async function checkThroughApi(
  client: RegistryClient,
  manifestSizeByDigest: Map<string, number>,
  acknowledgedVersions: { number: number; digest: string }[],
): Promise<void> {
  const verification = await client.verifyAudit();
  expect(verification.firstBroken).toBeNull();
  expect(verification.ok).toBe(true);
  const versions = await allPages((cursor) => client.listVersions(MODEL, { cursor, limit: 200 }));
  const numbers = new Set(versions.map((v) => v.number));
  for (const acked of acknowledgedVersions) {
    expect(numbers.has(acked.number), `acknowledged version ${acked.number} is missing`).toBe(true);
  }
  for (const summary of versions) {
    const version = await client.getVersion(MODEL, summary.number);
    const expected = manifestSizeByDigest.get(version.digest);
    expect(expected, `version ${version.number} has a digest nobody pushed`).toBeDefined();
    expect(version.manifest).toHaveLength(expected!);
    expect(version.vetReport.scan.files).toHaveLength(expected!);
  }
  for (const acked of acknowledgedVersions) {
    expect((await client.getVersion(MODEL, acked.number)).digest).toBe(acked.digest);
  }
}

/** What the tables say once the server is down: every version and alias move has its audit entry. */
async function checkTables(location: string[]): Promise<void> {
  const db = await openDb(location[0] === "--db" ? { url: location[1]! } : { dataDir: location[1]! });
  try {
    const unaudited = await db.query<{ number: number }>(
      `SELECT v.number FROM versions v WHERE NOT EXISTS (
         SELECT 1 FROM audit_log a WHERE a.subject = 'version:' || v.model || '/' || v.number)`,
    );
    expect(unaudited.rows, "versions without an audit entry").toEqual([]);
    const unrecordedMoves = await db.query<{ id: string }>(
      `SELECT m.id FROM alias_moves m WHERE NOT EXISTS (
         SELECT 1 FROM audit_log a
         WHERE (a.subject = 'request:' || m.request_id AND a.action ILIKE '%approv%')
            OR (a.subject = 'alias:' || m.model || '/' || m.alias AND a.after::text LIKE '%' || m.request_id || '%'))`,
    );
    expect(unrecordedMoves.rows, "alias moves without the audit entry of their approval").toEqual([]);
    // Each approved request moved the alias exactly once, and nothing else moved it.
    const mismatched = await db.query(
      `SELECT r.id, count(m.id) AS moves FROM promotion_requests r
         LEFT JOIN alias_moves m ON m.request_id = r.id
       GROUP BY r.id, r.status
       HAVING (r.status = 'approved') <> (count(m.id) = 1) OR count(m.id) > 1`,
    );
    expect(mismatched.rows, "requests whose alias moves do not match their status").toEqual([]);
    const current = await db.query<{ version: number; last: number | null }>(
      `SELECT a.version,
              (SELECT m.to_version FROM alias_moves m WHERE m.model = a.model AND m.alias = a.alias
               ORDER BY m.id DESC LIMIT 1) AS last
         FROM aliases a`,
    );
    for (const row of current.rows) expect(row.version).toBe(row.last);
  } finally {
    await db.close();
  }
}

describe.each(backends("crash safety"))("crash safety on $name", (backend) => {
  it("a SIGKILL mid-push and mid-promotion loses no acknowledged write and leaves nothing half done", async () => {
    const location = await registryLocation(backend.name);
    const dev = await createTokenEmbedded(location, "alice", "developer");
    const approver = await createTokenEmbedded(location, "bob", "approver");
    const base: VetReport = await vet(writePermissiveRepo(files.dir()).path, { hash: true });
    const manifestSizeByDigest = new Map<string, number>();
    const variant = async (client: RegistryClient, report: VetReport) => {
      const { version } = await client.registerVersion(MODEL, { vetReport: report });
      return { number: version.number, digest: version.digest };
    };
    const pushVariant = (n: number, extraFiles = 0) => {
      const report = reportVariant(base, n, extraFiles);
      manifestSizeByDigest.set(manifestDigest(manifestOf(report.scan)), report.scan.files.length);
      return report;
    };

    // 1. Many pushes in flight, some with a large vet report (20,000 manifest entries, several MB).
    let server = await startServerProcess(location);
    await server.client(dev).createModel({ name: MODEL });
    const pushes = Array.from({ length: 32 }, (_, n) => {
      const report = pushVariant(n, n % 4 === 0 ? 20_000 : 0);
      return () => variant(server.client(dev), report);
    });
    const pushed = await killMidway(server, pushes);
    expect(pushed.acknowledged.length).toBeGreaterThan(0);
    expect(pushed.inFlightAtKill).toBeGreaterThan(0);

    server = await startServerProcess(location);
    await checkThroughApi(server.client(dev), manifestSizeByDigest, pushed.acknowledged);

    // 2. Approvals in flight: one request per new version, all approved at once.
    const requests: string[] = [];
    for (let n = 100; n < 112; n++) {
      const { number } = await variant(server.client(dev), pushVariant(n));
      const request = await server
        .client(dev)
        .requestPromotion({ model: MODEL, version: number, alias: "production" });
      requests.push(request.id);
    }
    const approvals = requests.map((id) => async () => {
      await server.client(approver).approve(id, "crash test");
      return id;
    });
    const approved = await killMidway(server, approvals);
    expect(approved.acknowledged.length).toBeGreaterThan(0);

    server = await startServerProcess(location);
    try {
      const client = server.client(dev);
      await checkThroughApi(client, manifestSizeByDigest, pushed.acknowledged);
      for (const id of approved.acknowledged) {
        expect((await client.getRequest(id)).status, `acknowledged approval of ${id}`).toBe("approved");
      }
    } finally {
      await server.stop();
    }
    await checkTables(location);
  }, 300_000);
});
