/** `hf:` targets against a local Hub: file list, range reads, scanning, errors, retries, lineage texts. */
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hubBaseResolver } from "../src/hub/hub-base-resolver.js";
import { type HubOptions, hubFileSet } from "../src/hub/hub-file-set.js";
import type { VetReport } from "../src/policy/types.js";
import { scan } from "../src/scan/scan.js";
import {
  commitSha,
  type FixtureRepo,
  fixtureRepo,
  type HubServer,
  startHubServer,
  virtualFile,
} from "./helpers/hub-server.js";
import { runCli } from "./helpers/run-cli.js";
import { tempFiles } from "./helpers/temp-files.js";
import { buildLlamaGguf } from "./writers/gguf.js";
import { pickle } from "./writers/pickle.js";
import { buildSafetensors, headerJson, llamaTensors, pythonJsonDumps } from "./writers/safetensors.js";
import { buildZip } from "./writers/zip.js";

const TOKEN = "hf_test_token";
const temp = tempFiles("hub");
const GB = 1_000_000_000;

const CONFIG = `${JSON.stringify(
  { architectures: ["LlamaForCausalLM"], model_type: "llama", hidden_size: 8, num_hidden_layers: 2 },
  null,
  2,
)}\n`;
const README = "---\nlicense: apache-2.0\n---\n# Tiny\n\nA tiny test model.\n";
const tinySafetensors = buildSafetensors(llamaTensors());

/** A zip checkpoint whose data.pkl runs os.system, placed after 4 MiB of storage: neither head nor tail. */
function maliciousTorchZip(): Uint8Array {
  const payload = pickle()
    .proto(2)
    .reduceGlobal("os", "system", (w) => w.binunicode("echo pwned"))
    .stop()
    .bytes();
  return buildZip([
    { name: "archive/data/0", data: new Uint8Array(4 * 1024 * 1024) },
    { name: "archive/data.pkl", data: payload },
    { name: "archive/byteorder", data: "little" },
    { name: "archive/version", data: "3\n" },
  ]);
}

/** A safetensors file of BF16 tensors with a real header and zero data, generated per range. */
function virtualSafetensors(seed: string, tensors: { name: string; shape: [number, number] }[]) {
  let offset = 0;
  const entries = [...tensors]
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((t) => {
      const length = 2 * t.shape[0] * t.shape[1];
      offset += length;
      return {
        name: t.name,
        info: { dtype: "BF16", shape: t.shape, data_offsets: [offset - length, offset] },
      };
    });
  let header = headerJson(entries, { format: "pt" });
  header += " ".repeat((8 - (header.length % 8)) % 8);
  const prefix = new Uint8Array(8 + header.length);
  new DataView(prefix.buffer).setBigUint64(0, BigInt(header.length), true);
  prefix.set(new TextEncoder().encode(header), 8);
  return { file: virtualFile(prefix, prefix.length + offset, seed), dataBytes: offset };
}

/** One shard of a 100 GB checkpoint: five 1 GB tensors of one layer. */
function hugeShard(index: number, count: number) {
  const projections = [
    "mlp.down_proj",
    "mlp.gate_proj",
    "mlp.up_proj",
    "self_attn.q_proj",
    "self_attn.o_proj",
  ];
  const names = projections.map((p) => `model.layers.${index}.${p}.weight`);
  const name = `model-${String(index + 1).padStart(5, "0")}-of-${String(count).padStart(5, "0")}.safetensors`;
  const { file, dataBytes } = virtualSafetensors(
    name,
    names.map((n) => ({ name: n, shape: [25_000, 20_000] })),
  );
  return { name, names, file, dataBytes };
}

function hugeRepo(): FixtureRepo {
  const shards = Array.from({ length: 20 }, (_, i) => hugeShard(i, 20));
  const weightMap: Record<string, string> = {};
  for (const s of shards) for (const n of s.names) weightMap[n] = s.name;
  const index = { metadata: { total_size: 20 * shards[0]!.dataBytes }, weight_map: weightMap };
  return fixtureRepo("acme/huge", {
    "model.safetensors.index.json": `${pythonJsonDumps(index)}\n`,
    ...Object.fromEntries(shards.map((s) => [s.name, s.file])),
  });
}

const TINY_FILES = {
  ".gitattributes": "*.safetensors filter=lfs diff=lfs merge=lfs -text\n",
  "config.json": CONFIG,
  "README.md": README,
  "model.safetensors": tinySafetensors,
};
const EVIL_FILES = { "pytorch_model.bin": maliciousTorchZip(), "config.json": CONFIG };
const GGUF_FILES = { "model-Q4_K_M.gguf": buildLlamaGguf(), "README.md": README };

const OLD_CONFIG = `${JSON.stringify({ model_type: "llama", hidden_size: 4 }, null, 2)}\n`;

const repos: FixtureRepo[] = [
  fixtureRepo("acme/tiny", TINY_FILES),
  fixtureRepo("acme/evil", EVIL_FILES),
  fixtureRepo("acme/gguf", GGUF_FILES),
  hugeRepo(),
  fixtureRepo("acme/gated", { "config.json": CONFIG, "model.safetensors": tinySafetensors }, { gated: true }),
  fixtureRepo("acme/private", { "config.json": CONFIG }, { private: true }),
  {
    id: "acme/pinned",
    commits: [
      { sha: commitSha("pinned-new"), refs: ["main"], files: { "config.json": CONFIG } },
      { sha: commitSha("pinned-old"), refs: ["v1.0"], files: { "config.json": OLD_CONFIG } },
    ],
  },
  fixtureRepo("legacy", { "config.json": CONFIG }),
  fixtureRepo("acme/big-plain", {
    "model.safetensors": virtualSafetensors("big", [{ name: "lm_head.weight", shape: [10_000, 10_000] }])
      .file,
  }),
  fixtureRepo("meta/base", {
    "README.md": "---\nlicense: llama3.1\n---\n# Base\n",
    LICENSE: "LLAMA 3.1 COMMUNITY LICENSE AGREEMENT\n",
    "USE_POLICY.md": "Acceptable Use Policy\n",
    "config.json": CONFIG,
    "docs/LICENSE": "not a root license\n",
  }),
];

let hub: HubServer;
let base: HubOptions;

beforeAll(async () => {
  hub = await startHubServer({ repos, token: TOKEN });
  base = { baseUrl: hub.url, token: "", retryDelayMs: 1 };
});
afterAll(() => hub.close());

/** The same files scanned from a folder: what the remote scan must match. */
async function scanLocally(files: Record<string, Uint8Array | string>) {
  const dir = temp.dir();
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
  return scan(dir, { hash: false });
}

const open = (target: string, extra: HubOptions = {}) => hubFileSet(target, { ...base, ...extra });
const sha256 = (bytes: Uint8Array | string) => createHash("sha256").update(bytes).digest("hex");
const requestsSince = (n: number) => hub.log.slice(n);

describe("hubFileSet + scan", () => {
  it("lists a small repository, fetches git files whole, takes LFS digests, and scans it clean", async () => {
    const set = await open("hf:acme/tiny");
    expect(set).toMatchObject({ target: "hf:acme/tiny", isDirectory: true, root: null });
    expect(set.files.map((f) => f.relativePath)).toEqual([
      ".gitattributes",
      "README.md",
      "config.json",
      "model.safetensors",
    ]);
    const byPath = new Map(set.files.map((f) => [f.relativePath, f]));
    expect(byPath.get("model.safetensors")).toMatchObject({ size: tinySafetensors.length, path: null });
    expect(byPath.get("model.safetensors")!.sha256).toBe(sha256(tinySafetensors));
    expect(byPath.get("config.json")!.sha256).toBe(sha256(CONFIG));

    const report = await scan(set);
    // The remote scan says what a scan of the same files on disk says: nothing above info (README).
    expect(report.findings).toEqual((await scanLocally(TINY_FILES)).findings);
    expect(report.findings.filter((f) => f.severity !== "info")).toEqual([]);
    expect(report.files.find((f) => f.path === "model.safetensors")).toMatchObject({
      format: "safetensors",
      sha256: sha256(tinySafetensors),
    });
    expect(report.files.find((f) => f.path === "README.md")!.sha256).toBe(sha256(README));
    expect(report.summary.bytesRead).toBeGreaterThan(0);
  });

  it("finds an os.system pickle in a zip checkpoint, fetching the member in the middle by range", async () => {
    const before = hub.log.length;
    const set = await open("hf:acme/evil");
    const report = await scan(set);
    const critical = report.findings.filter((f) => f.severity === "critical");
    expect(critical.length).toBeGreaterThan(0);
    expect(critical[0]!.file).toBe("pytorch_model.bin");
    expect(JSON.stringify(critical[0]!.evidence)).toContain("system");
    const bin = set.files.find((f) => f.relativePath === "pytorch_model.bin")!;
    // A pass after the head and tail asked for the pickle 4 MiB in.
    const ranged = requestsSince(before).filter((r) => r.range && r.path.includes("pytorch_model.bin"));
    expect(ranged.some((r) => /^bytes=4\d{6}-/.test(r.range!))).toBe(true);
    expect(report.summary.bytesRead).toBeLessThan(bin.size / 4);
    expect(report.findings).toEqual((await scanLocally(EVIL_FILES)).findings);
  });

  it("recognizes a GGUF read by range", async () => {
    const report = await scan(await open("hf:acme/gguf"));
    expect(report.files.find((f) => f.path === "model-Q4_K_M.gguf")!.format).toBe("gguf");
    expect(report.findings).toEqual((await scanLocally(GGUF_FILES)).findings);
    expect(report.findings.filter((f) => f.severity !== "info")).toEqual([]);
  });

  it("scans a 100 GB repository of 20 sharded safetensors reading under 1% of its bytes", async () => {
    const before = hub.log.length;
    const set = await open("hf:acme/huge");
    const report = await scan(set);
    expect(report.summary.bytesTotal).toBeGreaterThan(100 * GB);
    expect(report.summary.bytesRead / report.summary.bytesTotal).toBeLessThan(0.01);
    expect(report.files.filter((f) => f.format === "safetensors")).toHaveLength(20);
    expect(report.findings.filter((f) => f.severity !== "info" && f.severity !== "low")).toEqual([]);
    const sent = requestsSince(before).reduce((n, r) => n + r.bytesSent, 0);
    expect(sent / report.summary.bytesTotal).toBeLessThan(0.01);
  });

  it("pins a revision: tag, commit and branch each give their own snapshot, downloads use the commit", async () => {
    const oldSha = commitSha("pinned-old");
    const before = hub.log.length;
    const tagged = await open("hf:acme/pinned@v1.0");
    expect(tagged.files[0]!.sha256).toBe(sha256(OLD_CONFIG));
    const downloads = requestsSince(before).filter((r) => r.path.includes("/resolve/"));
    expect(downloads.length).toBeGreaterThan(0);
    expect(downloads.every((r) => r.path.includes(`/resolve/${oldSha}/`))).toBe(true);
    expect((await open(`hf:acme/pinned@${oldSha}`)).files[0]!.sha256).toBe(sha256(OLD_CONFIG));
    expect((await open("hf:acme/pinned")).files[0]!.sha256).toBe(sha256(CONFIG));
  });

  it("reads a legacy repository without an owner", async () => {
    expect((await open("hf:legacy")).files.map((f) => f.relativePath)).toEqual(["config.json"]);
  });
});

describe("access and errors", () => {
  it("refuses a gated repository without a token with what to do, and reads it with one", async () => {
    const err = await open("hf:acme/gated").catch((e: Error & { code?: string }) => e);
    expect(err).toMatchObject({ code: "TARGET_UNREADABLE" });
    expect((err as Error).message).toMatch(/gated/);
    expect((err as Error).message).toMatch(/HF_TOKEN/);
    const set = await open("hf:acme/gated", { token: TOKEN });
    expect((await scan(set)).files.find((f) => f.path === "model.safetensors")!.format).toBe("safetensors");
    expect(hub.log.filter((r) => r.path.includes("acme/gated/resolve")).some((r) => r.authorized)).toBe(true);
  });

  it("says a private repository needs a token", async () => {
    await expect(open("hf:acme/private")).rejects.toThrow(/private.*HF_TOKEN/);
    expect((await open("hf:acme/private", { token: TOKEN })).files).toHaveLength(1);
  });

  it("says not found for a missing repository or revision", async () => {
    await expect(open("hf:acme/nothing", { token: TOKEN })).rejects.toThrow(/hf:acme\/nothing not found/);
    await expect(open("hf:acme/tiny@nope")).rejects.toThrow(/no revision 'nope'/);
  });

  it("rejects a target that is not a Hub id", async () => {
    await expect(open("hf:../etc")).rejects.toMatchObject({ code: "USAGE" });
    await expect(open("hf:a/b/c")).rejects.toMatchObject({ code: "USAGE" });
  });

  it("retries a 503 and a 429, then succeeds", async () => {
    const before = hub.log.length;
    hub.failNext("/api/models/acme/tiny", 1);
    hub.failNext("/acme/tiny/resolve", 1, 429);
    const set = await open("hf:acme/tiny");
    expect(set.files).toHaveLength(4);
    const statuses = requestsSince(before).map((r) => r.status);
    expect(statuses).toContain(503);
    expect(statuses).toContain(429);
  });

  it("gives up on an endpoint that keeps failing, with a clear error", async () => {
    hub.failNext("/api/models/acme/tiny", 10);
    await expect(open("hf:acme/tiny")).rejects.toThrow(/kept failing \(HTTP 503\)/);
    hub.failNext("/api/models/acme/tiny", 0);
  });

  it("fails clearly when nothing listens", async () => {
    await expect(open("hf:acme/tiny", { baseUrl: "http://127.0.0.1:9" })).rejects.toThrow(
      /cannot reach the Hub at http:\/\/127\.0\.0\.1:9/,
    );
  });

  it("never downloads a whole large file from a server that ignores Range: the file is reported instead", async () => {
    hub.ignoreRange = true;
    try {
      const before = hub.log.length;
      const set = await open("hf:acme/big-plain");
      const report = await scan(set);
      // Every scan reads a file's tail (an appended zip); without ranges that would be the whole file.
      expect(report.findings).toMatchObject([
        { ruleId: "FILE_UNREADABLE", severity: "medium", file: "model.safetensors" },
      ]);
      expect(report.findings[0]!.message).toMatch(/ignores HTTP Range/);
      expect(report.summary.bytesRead).toBeLessThan(set.files[0]!.size / 10);
      const sent = requestsSince(before).reduce((n, r) => n + r.bytesSent, 0);
      expect(sent).toBeLessThan(set.files[0]!.size / 4);

      // Small files are read from the start of the whole-file answer, and the body is cut there.
      const evil = await scan(await open("hf:acme/evil"));
      expect(evil.findings).toEqual((await scanLocally(EVIL_FILES)).findings);
      const tiny = await scan(await open("hf:acme/tiny"));
      expect(tiny.findings.filter((f) => f.severity !== "info")).toEqual([]);
    } finally {
      hub.ignoreRange = false;
    }
  });
});

describe("hubBaseResolver", () => {
  const resolve = () => hubBaseResolver({ ...base });

  it("returns a base model's README and root license texts, pinned to its commit", async () => {
    const texts = await resolve()("meta/base");
    expect(texts).toEqual({
      from: `hf:meta/base@${commitSha("meta/base")}`,
      readme: "---\nlicense: llama3.1\n---\n# Base\n",
      files: [
        { path: "LICENSE", text: "LLAMA 3.1 COMMUNITY LICENSE AGREEMENT\n" },
        { path: "USE_POLICY.md", text: "Acceptable Use Policy\n" },
      ],
    });
    expect(await resolve()("https://huggingface.co/meta/base")).toMatchObject({ readme: expect.any(String) });
  });

  it("returns null for a repository the Hub does not have, or an id that is not a Hub id", async () => {
    expect(await resolve()("acme/nothing")).toBeNull();
    expect(await resolve()("../local/base")).toBeNull();
  });
});

describe("modelgate vet hf:", () => {
  const vetJson = (target: string, env: NodeJS.ProcessEnv = {}) =>
    runCli(["vet", target, "--hub-url", hub.url, "--format", "json", "--no-hash"], { HF_TOKEN: "", ...env });

  it("vets a Hub repository end to end and reports the bytes it read", async () => {
    const r = await vetJson("hf:acme/tiny");
    const report = JSON.parse(r.stdout) as VetReport;
    expect(report.target).toBe("hf:acme/tiny");
    expect(report.scan.files.find((f) => f.path === "model.safetensors")!.format).toBe("safetensors");
    expect(report.scan.summary.bytesRead).toBeGreaterThan(0);
    expect(report.card.present).toBe(true);
  });

  it("takes HF_TOKEN from the environment for a gated repository, and says what to do without it", async () => {
    const denied = await vetJson("hf:acme/gated");
    expect(denied.code).toBe(2);
    expect(denied.stderr).toMatch(/gated.*HF_TOKEN/);
    const r = await vetJson("hf:acme/gated", { HF_TOKEN: TOKEN });
    expect((JSON.parse(r.stdout) as VetReport).scan.files.map((f) => f.path)).toContain("model.safetensors");
  });
});
