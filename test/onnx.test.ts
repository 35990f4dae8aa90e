/** ONNX through the CLI: real exporters' files pass clean; each external-data and operator trick is found. */
import { linkSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeLargeOnnx } from "../scripts/bench/onnx-input.js";
import { REPO_ROOT, scanJson } from "./helpers/run-cli.js";
import { tempFiles } from "./helpers/temp-files.js";
import {
  DT,
  type ExternalSpec,
  type GraphSpec,
  type MlpOptions,
  type ModelSpec,
  mlpSpec,
  OnnxWriter,
  writeOnnx,
} from "./writers/onnx.js";
import { buildZip } from "./writers/zip.js";

const { dir: freshDir } = tempFiles("onnx");
type Result = Awaited<ReturnType<typeof scanJson>>;
const rules = (r: Result) => r.report.findings.map((f) => `${f.ruleId}:${f.severity}`);
const only = (r: Result, ruleId: string) => r.report.findings.filter((f) => f.ruleId === ruleId);

async function scanSpec(spec: ModelSpec, setup?: (dir: string) => void, align?: number) {
  const dir = freshDir();
  setup?.(dir);
  const path = writeOnnx(dir, "model.onnx", spec, align ? { align } : {});
  return { ...(await scanJson(path)), dir, path };
}
const scanMlp = (options: MlpOptions, setup?: (dir: string) => void) => scanSpec(mlpSpec(options), setup);
/** The first weight's external entry bent; the others stay as save_as_external_data writes them. */
const firstExternal = (e: ExternalSpec, setup?: (dir: string) => void) =>
  scanMlp({ external: true, firstExternal: e }, setup);

describe("onnx via the CLI: benign models", () => {
  it("passes an MLP with inline initializers: exit 0, no findings, format onnx", async () => {
    const r = await scanMlp({});
    expect(r.report.findings).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.report.files[0]!.format).toBe("onnx");
  });

  it("passes a model with its external data beside it, aligned or not", async () => {
    for (const align of [undefined, 4096]) {
      const r = await scanSpec(mlpSpec({ external: true }), undefined, align);
      expect(r.report.findings).toEqual([]);
      expect(r.code).toBe(0);
    }
  });

  it("passes long metadata values (embedded configs) and long names", async () => {
    const spec = mlpSpec();
    spec.metadata = [["config", JSON.stringify({ vocab: "x".repeat(20_000) })]];
    spec.graph.nodes[1]!.name = `/${"deep/".repeat(1000)}Relu`;
    const r = await scanSpec(spec);
    expect(r.report.findings).toEqual([]);
  });

  it("is medium for an external location too long to judge", async () => {
    const r = await firstExternal({ location: `${"a/".repeat(40_000)}w.bin`, skipBytes: true });
    expect(rules(r)).toContain("ONNX_EXTERNAL_DATA_INVALID:medium");
  });

  it("passes every real exporter's file in test/fixtures/real/onnx", async () => {
    const dir = join(REPO_ROOT, "test", "fixtures", "real", "onnx");
    const rows = readFileSync(join(dir, "MANIFEST.tsv"), "utf8").trim().split("\n").slice(1);
    expect(rows.length).toBeGreaterThanOrEqual(4);
    for (const row of rows) {
      const [file, , expected] = row.split("\t");
      expect(expected).toBe("benign");
      const r = await scanJson(join(dir, file!));
      expect({ file, findings: r.report.findings }).toEqual({ file, findings: [] });
      expect(r.report.files[0]!.format).toBe("onnx");
    }
  });

  it("passes ONNX Runtime contrib operators and model-local functions", async () => {
    const r = await scanMlp({
      extraOpsets: [
        { domain: "com.microsoft", version: 1 },
        { domain: "pkg.onnxscript.torch_lib", version: 1 },
      ],
      extraNodes: [
        { opType: "FusedMatMul", domain: "com.microsoft" },
        { opType: "aten_gelu", domain: "pkg.onnxscript.torch_lib" },
      ],
    });
    // The torch_lib node has no local function here: it is a custom domain.
    expect(rules(r)).toEqual(["ONNX_CUSTOM_OPERATOR:medium"]);
    const spec = mlpSpec({
      extraOpsets: [{ domain: "pkg.onnxscript.torch_lib", version: 1 }],
      extraNodes: [{ opType: "aten_gelu", domain: "pkg.onnxscript.torch_lib" }],
    });
    spec.functions = [
      {
        domain: "pkg.onnxscript.torch_lib",
        name: "aten_gelu",
        inputs: ["x"],
        outputs: ["y"],
        nodes: [{ opType: "Gelu" }],
        opsets: [{ domain: "", version: 20 }],
      },
    ];
    const withFunction = await scanSpec(spec);
    expect(withFunction.report.findings).toEqual([]);
  });

  it("accepts a Hugging Face cache snapshot whose data file links to the repository's blobs", async () => {
    const repo = freshDir();
    const snapshot = join(repo, "snapshots", "abc123");
    const writer = new OnnxWriter();
    const bytes = writer.model(mlpSpec({ external: true }));
    mkdirSync(join(repo, "blobs"), { recursive: true });
    mkdirSync(snapshot, { recursive: true });
    writeFileSync(join(repo, "blobs", "e3b0c442"), writer.externalFiles().get("model.onnx.data")!);
    writeFileSync(join(snapshot, "model.onnx"), bytes);
    symlinkSync("../../blobs/e3b0c442", join(snapshot, "model.onnx.data"));
    const r = await scanJson(join(snapshot, "model.onnx"));
    expect(r.report.findings).toEqual([]);
  });

  it("scans a 64 MiB inline-initializer model without findings (the bench input, smaller)", async () => {
    const path = join(freshDir(), "large.onnx");
    writeLargeOnnx(path, 64 * 1024 * 1024 + 12);
    const r = await scanJson(path);
    expect(r.report.findings).toEqual([]);
    expect(r.report.files[0]!.format).toBe("onnx");
  });
});

describe("onnx via the CLI: external data that leaves the model's directory", () => {
  const traversals: [string, string][] = [
    ["../secret.bin", "'..' (CVE-2022-25882)"],
    ["sub/../../secret.bin", "nested '..' (CVE-2024-27318)"],
    ["/etc/passwd", "absolute"],
    ["C:\\Windows\\win.ini", "drive letter"],
    ["..\\..\\secret.bin", "'..' with backslashes"],
    ["\\\\server\\share\\w.bin", "UNC"],
  ];
  for (const [location, what] of traversals) {
    it(`is critical for a ${what} location: ${location}`, async () => {
      const r = await firstExternal({ location });
      expect(rules(r)).toContain("ONNX_EXTERNAL_DATA_PATH:critical");
      expect(r.code).toBe(1);
      const f = only(r, "ONNX_EXTERNAL_DATA_PATH")[0]!;
      expect(f.evidence.location).toBe(location);
      expect(f.evidence.tensor).toBe("0.weight");
      expect(f.location).toMatch(/^@\d+$/);
    });
  }

  it("is critical for a second location entry that escapes (loaders keep the last one)", async () => {
    const r = await firstExternal({ extraEntries: [["location", "../../etc/passwd"]] });
    expect(rules(r)).toContain("ONNX_EXTERNAL_DATA_PATH:critical");
    expect(rules(r)).toContain("ONNX_EXTERNAL_DATA_INVALID:medium");
  });

  it("is critical for a data file that is a symlink to a file outside the directory", async () => {
    const outside = join(freshDir(), "id_rsa");
    writeFileSync(outside, new Uint8Array(256));
    const r = await firstExternal({ location: "weights.bin" }, (dir) =>
      symlinkSync(outside, join(dir, "weights.bin")),
    );
    expect(rules(r)).toEqual(["ONNX_EXTERNAL_DATA_PATH:critical"]);
    expect(only(r, "ONNX_EXTERNAL_DATA_PATH")[0]!.evidence).toMatchObject({
      symlink: true,
      resolvesTo: outside,
    });
  });

  it("is critical for a path through a symlinked directory that leads outside", async () => {
    const outside = freshDir();
    writeFileSync(join(outside, "w.bin"), new Uint8Array(256));
    const r = await firstExternal({ location: "sub/w.bin" }, (dir) => symlinkSync(outside, join(dir, "sub")));
    expect(rules(r)).toEqual(["ONNX_EXTERNAL_DATA_PATH:critical"]);
    expect(only(r, "ONNX_EXTERNAL_DATA_PATH")[0]!.evidence.symlink).toBe(false);
  });

  it("accepts a symlink that stays inside the directory", async () => {
    const writer = new OnnxWriter();
    const dir = freshDir();
    writeFileSync(join(dir, "model.onnx"), writer.model(mlpSpec({ external: { location: "link.data" } })));
    writeFileSync(join(dir, "real.data"), writer.externalFiles().get("link.data")!);
    symlinkSync("real.data", join(dir, "link.data"));
    const r = await scanJson(join(dir, "model.onnx"));
    expect(r.report.findings).toEqual([]);
  });

  it("judges the location's text inside an archive, without touching the disk", async () => {
    const inner = new OnnxWriter().model(mlpSpec({ external: true, firstExternal: { location: "../../x" } }));
    const path = join(freshDir(), "bundle.zip");
    writeFileSync(path, buildZip([{ name: "m/model.onnx", data: inner }]));
    const r = await scanJson(path);
    expect(rules(r)).toEqual(["ONNX_EXTERNAL_DATA_PATH:critical"]);
    expect(only(r, "ONNX_EXTERNAL_DATA_PATH")[0]!.location).toMatch(/^m\/model\.onnx@\d+$/);
  });
});

describe("onnx via the CLI: external data entries loaders disagree on", () => {
  const cases: [string, ExternalSpec][] = [
    ["a NUL byte", { location: "model.onnx.data\u0000../../etc/passwd" }],
    ["a backslash", { location: "sub\\model.onnx.data" }],
    ["an unknown key (CVE-2026-34445)", { extraEntries: [["__class__", "x"]] }],
    ["a repeated key", { extraEntries: [["offset", "0"]] }],
    ["a negative offset", { offset: "-1" }],
    ["a non-numeric length", { length: "1e9" }],
    ["entries without data_location EXTERNAL", { dataLocation: 0 }],
  ];
  for (const [what, spec] of cases) {
    it(`is medium for ${what}`, async () => {
      const r = await firstExternal(spec);
      expect(rules(r)).toContain("ONNX_EXTERNAL_DATA_INVALID:medium");
      expect(rules(r)).not.toContain("ONNX_EXTERNAL_DATA_PATH:critical");
    });
  }

  it("is medium, not critical, for a '..' that stays inside (reported once for every tensor naming it)", async () => {
    const writer = new OnnxWriter();
    const dir = freshDir();
    mkdirSync(join(dir, "sub"));
    writeFileSync(
      join(dir, "model.onnx"),
      writer.model(mlpSpec({ external: { location: "sub/../w.data" } })),
    );
    writeFileSync(join(dir, "w.data"), writer.externalFiles().get("sub/../w.data")!);
    const r = await scanJson(join(dir, "model.onnx"));
    expect(rules(r)).toEqual(["ONNX_EXTERNAL_DATA_INVALID:medium"]);
  });

  it("is medium for data read from the model file itself", async () => {
    const r = await firstExternal({ location: "model.onnx", offset: 0, length: 256, skipBytes: true });
    expect(rules(r)).toEqual(["ONNX_EXTERNAL_DATA_INVALID:medium"]);
  });

  it("is medium for a hard-linked data file", async () => {
    const dir = freshDir();
    const path = writeOnnx(dir, "model.onnx", mlpSpec({ external: true }));
    linkSync(join(dir, "model.onnx.data"), join(dir, "copy.data"));
    const r = await scanJson(path);
    expect(rules(r)).toEqual(["ONNX_EXTERNAL_DATA_INVALID:medium"]);
    expect(only(r, "ONNX_EXTERNAL_DATA_INVALID")[0]!.evidence.links).toBe(2);
  });

  it("is medium when the external file is missing", async () => {
    const r = await firstExternal({ location: "gone.data", skipBytes: true });
    expect(rules(r)).toEqual(["ONNX_EXTERNAL_DATA_MISSING:medium"]);
    expect(r.code).toBe(1);
  });

  it("is medium when offset + length runs past the external file", async () => {
    const r = await firstExternal({ offset: 400, length: 256 });
    expect(rules(r)).toEqual(["ONNX_TENSOR_SIZE:medium"]);
    expect(only(r, "ONNX_TENSOR_SIZE")[0]!.evidence).toMatchObject({ fileSize: "456", offset: "400" });
  });

  it("is medium when the external length disagrees with the tensor's shape", async () => {
    const r = await firstExternal({ length: 128 });
    expect(rules(r)).toEqual(["ONNX_TENSOR_SIZE:medium"]);
  });

  it("is medium when there is no location at all", async () => {
    const r = await firstExternal({ location: null, skipBytes: true });
    expect(rules(r)).toEqual(["ONNX_EXTERNAL_DATA_INVALID:medium"]);
    expect(r.report.findings[0]!.message).toContain("names no location");
  });
});

describe("onnx via the CLI: operators", () => {
  it("is medium for a custom domain, and names the domain and its operators", async () => {
    const r = await scanMlp({
      extraOpsets: [{ domain: "com.attacker", version: 1 }],
      extraNodes: [
        { opType: "Exfiltrate", domain: "com.attacker", name: "x1" },
        { opType: "Exfiltrate", domain: "com.attacker" },
        { opType: "Beacon", domain: "com.attacker" },
      ],
    });
    expect(rules(r)).toEqual(["ONNX_CUSTOM_OPERATOR:medium"]);
    expect(r.code).toBe(1);
    expect(only(r, "ONNX_CUSTOM_OPERATOR")[0]!.evidence).toMatchObject({
      domain: "com.attacker",
      operators: ["Exfiltrate", "Beacon"],
      nodes: 3,
      inSubgraph: false,
      opsetImported: true,
    });
  });

  it("finds a custom op hidden in a Loop body inside an If branch", async () => {
    const body: GraphSpec = { name: "body", nodes: [{ opType: "Hidden", domain: "ai.evil", name: "h" }] };
    const spec = mlpSpec({
      extraNodes: [
        {
          opType: "If",
          name: "/If",
          attributes: [
            {
              name: "then_branch",
              graph: {
                name: "then",
                nodes: [{ opType: "Loop", name: "/Loop", attributes: [{ name: "body", graph: body }] }],
              },
            },
            { name: "else_branch", graph: { name: "else", nodes: [{ opType: "Identity" }] } },
          ],
        },
      ],
    });
    const r = await scanSpec(spec);
    expect(rules(r)).toEqual(["ONNX_CUSTOM_OPERATOR:medium"]);
    expect(only(r, "ONNX_CUSTOM_OPERATOR")[0]!.evidence).toMatchObject({
      domain: "ai.evil",
      inSubgraph: true,
      firstGraph: "graph//If.then_branch//Loop.body",
      opsetImported: false,
    });
  });

  it("finds a custom op inside a model-local function", async () => {
    const spec = mlpSpec({
      extraOpsets: [{ domain: "local", version: 1 }],
      extraNodes: [{ opType: "Wrapper", domain: "local" }],
    });
    spec.functions = [
      {
        domain: "local",
        name: "Wrapper",
        inputs: ["x"],
        outputs: ["y"],
        nodes: [{ opType: "Native", domain: "com.vendor.native" }],
        opsets: [{ domain: "com.vendor.native", version: 1 }],
      },
    ];
    const r = await scanSpec(spec);
    expect(rules(r)).toEqual(["ONNX_CUSTOM_OPERATOR:medium"]);
    expect(only(r, "ONNX_CUSTOM_OPERATOR")[0]!.evidence.domain).toBe("com.vendor.native");
  });

  it("is medium for an op_type the default domain does not define, only for opsets it knows", async () => {
    const r = await scanMlp({ extraNodes: [{ opType: "SystemCall" }] });
    expect(rules(r)).toEqual(["ONNX_UNKNOWN_OPERATOR:medium"]);
    const future = await scanMlp({ opset: 30, extraNodes: [{ opType: "FutureOp" }] });
    expect(future.report.findings).toEqual([]);
  });

  it("is medium for a standard domain used without an opset import", async () => {
    const r = await scanMlp({ extraNodes: [{ opType: "LabelEncoder", domain: "ai.onnx.ml" }] });
    expect(rules(r)).toEqual(["ONNX_MALFORMED:medium"]);
  });
});

describe("onnx via the CLI: tensors and structure", () => {
  it("is medium when raw_data is shorter than the shape declares", async () => {
    const spec = mlpSpec();
    spec.graph.initializers![1]!.data = new Uint8Array(8);
    const r = await scanSpec(spec);
    expect(rules(r)).toEqual(["ONNX_TENSOR_SIZE:medium"]);
    expect(only(r, "ONNX_TENSOR_SIZE")[0]!.evidence).toMatchObject({ tensor: "0.bias", rawDataLength: 8 });
  });

  it("is medium for float_data that disagrees with the shape, and for a tensor with no data", async () => {
    const spec = mlpSpec();
    spec.graph.initializers!.push({ name: "f", dims: [4], floatData: [1, 2] });
    spec.graph.initializers!.push({ name: "empty", dims: [4], floatData: [] });
    const r = await scanSpec(spec);
    expect(rules(r)).toEqual(["ONNX_TENSOR_SIZE:medium", "ONNX_TENSOR_SIZE:medium"]);
  });

  it("is medium for an INT4 tensor whose packed size is wrong, clean when right", async () => {
    const good = mlpSpec();
    good.graph.initializers!.push({ name: "q", dims: [5], dataType: DT.INT4, data: new Uint8Array(3) });
    expect((await scanSpec(good)).report.findings).toEqual([]);
    const bad = mlpSpec();
    bad.graph.initializers!.push({ name: "q", dims: [5], dataType: DT.INT4, data: new Uint8Array(5) });
    expect(rules(await scanSpec(bad))).toEqual(["ONNX_TENSOR_SIZE:medium"]);
  });

  it("is medium for two initializers with the same name", async () => {
    const spec = mlpSpec();
    spec.graph.initializers!.push({ ...spec.graph.initializers![0]! });
    const r = await scanSpec(spec);
    expect(rules(r)).toEqual(["ONNX_MALFORMED:medium"]);
    expect(r.report.findings[0]!.message).toContain("'0.weight' is defined twice");
  });

  it("lists 20 findings per rule and summarizes the rest", async () => {
    const spec = mlpSpec();
    for (let i = 0; i < 25; i++)
      spec.graph.initializers!.push({ name: `bad${i}`, dims: [4], data: new Uint8Array(1) });
    const r = await scanSpec(spec);
    const size = only(r, "ONNX_TENSOR_SIZE");
    expect(size).toHaveLength(21);
    expect(size[20]!.evidence.omitted).toBe(5);
  });

  it("reports subgraphs nested past the cap as unverifiable, keeping what it found before", async () => {
    let graph: GraphSpec = { name: "leaf", nodes: [{ opType: "Relu" }] };
    for (let i = 0; i < 20; i++)
      graph = {
        name: `g${i}`,
        nodes: [{ opType: "Loop", name: `l${i}`, attributes: [{ name: "body", graph }] }],
      };
    graph.nodes.unshift({ opType: "Evil", domain: "x.y" });
    const r = await scanSpec({ graph });
    expect(rules(r)).toEqual(["ONNX_CUSTOM_OPERATOR:medium", "ARCHIVE_UNVERIFIABLE:medium"]);
    expect(r.report.findings[1]!.evidence.bound).toBe("onnx.maxSubgraphDepth");
    expect(r.report.files[0]!.format).toBe("onnx");
  });

  it("reports a nested message cut short as malformed, with format onnx", async () => {
    const bytes = new OnnxWriter().model(mlpSpec());
    const graphAt = bytes.indexOf(0x3a);
    // The first node's length becomes a two-byte varint larger than the graph.
    const broken = Uint8Array.from(bytes);
    broken[graphAt + 4] = 0xff;
    const path = join(freshDir(), "broken.onnx");
    writeFileSync(path, broken);
    const r = await scanJson(path);
    expect(rules(r)).toEqual(["FORMAT_MALFORMED:medium"]);
    expect(r.report.files[0]!.format).toBe("onnx");
  });
});
