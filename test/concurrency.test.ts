/** Races over HTTP against a real server process: what two clients do at the same moment applies once. */
import { describe, expect, it } from "vitest";
import { vet } from "../src/policy/vet.js";
import { ApiError } from "../src/registry/client.js";
import { backends } from "./helpers/databases.js";
import {
  createTokenEmbedded,
  registryLocation,
  reportVariant,
  startServerProcess,
} from "./helpers/registry-server.js";
import { tempFiles } from "./helpers/temp-files.js";
import { writePermissiveRepo } from "./writers/model-repos.js";

const files = tempFiles("concurrency");

describe.each(backends("concurrency over HTTP"))("concurrency over HTTP on $name", (backend) => {
  it("two approvals of one request apply once; concurrent pushes of the same content make one version", async () => {
    const location = await registryLocation(backend.name);
    const dev = await createTokenEmbedded(location, "alice", "developer");
    const approvers = [
      await createTokenEmbedded(location, "bob", "approver"),
      await createTokenEmbedded(location, "carol", "approver"),
    ];
    const server = await startServerProcess(location);
    try {
      const alice = server.client(dev);
      await alice.createModel({ name: "mistral" });
      const vetReport = await vet(writePermissiveRepo(files.dir()).path, { hash: true });

      const pushes = await Promise.all(
        Array.from({ length: 6 }, () => alice.registerVersion("mistral", { vetReport })),
      );
      expect(new Set(pushes.map((p) => p.version.number))).toEqual(new Set([1]));
      expect(pushes.filter((p) => p.created)).toHaveLength(1);
      expect((await alice.listVersions("mistral")).items).toHaveLength(1);

      for (let round = 0; round < 3; round++) {
        // Each round promotes a new version, so every approval would move the alias.
        const { version } = await alice.registerVersion("mistral", {
          vetReport: reportVariant(vetReport, round),
        });
        const request = await alice.requestPromotion({
          model: "mistral",
          version: version.number,
          alias: "production",
        });
        const outcomes = await Promise.allSettled(
          approvers.map((token, i) => server.client(token).approve(request.id, `race ${round}/${i}`)),
        );
        const ok = outcomes.filter((o) => o.status === "fulfilled");
        const refused = outcomes.flatMap((o) => (o.status === "rejected" ? [o.reason] : []));
        expect(ok).toHaveLength(1);
        expect(refused).toHaveLength(1);
        expect(refused[0]).toBeInstanceOf(ApiError);
        expect((refused[0] as ApiError).status).toBe(409);
        const decided = await alice.getRequest(request.id);
        expect(decided.status).toBe("approved");
        expect(["bob", "carol"]).toContain(decided.decidedBy);
      }
      // One move per approved request, never two.
      const moves = await alice.aliasHistory("mistral", "production", { limit: 200 });
      expect(moves.items).toHaveLength(3);
      expect(moves.items.map((m) => m.kind)).toEqual(["promotion", "promotion", "promotion"]);
      expect((await alice.verifyAudit()).ok).toBe(true);
    } finally {
      await server.stop();
    }
  }, 180_000);
});
