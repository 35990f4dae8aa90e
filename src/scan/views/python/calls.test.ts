import { describe, expect, it } from "vitest";
import { findDangerousCalls } from "./calls.js";
import { maskPython } from "./mask.js";

const kinds = (src: string) => findDangerousCalls(src).map((h) => h.kind);

describe("maskPython", () => {
  it("blanks strings and comments, keeping length, lines and quotes", () => {
    const src = 'a = \'os.system(1)\'  # eval(x)\nb = """\nexec(y)\n"""\nc = r\'\\\'\' + rb"x"';
    const { code } = maskPython(src);
    expect(code).toHaveLength(src.length);
    expect(code.split("\n")).toHaveLength(src.split("\n").length);
    expect(code).not.toMatch(/system|eval|exec/);
    expect(code.startsWith("a = '")).toBe(true);
  });

  it("keeps f-string replacement fields as code", () => {
    const { code } = maskPython("s = f'{os.system(cmd)} and {{literal}} os.popen'");
    expect(code).toContain("os.system(cmd)");
    expect(code).not.toContain("popen");
    expect(code).not.toContain("literal");
  });

  it("ends an unterminated single-quoted string at the line end", () => {
    const { code } = maskPython("x = 'abc\nos.system(1)\n");
    expect(code).toContain("os.system(1)");
  });
});

describe("findDangerousCalls", () => {
  it("ignores methods and literals that only look like the builtins", () => {
    expect(kinds("model.eval()\nre.compile(p)\ntorch.compile(m)\nself.exec(x)\neval('1+1')")).toEqual([]);
    expect(
      kinds(
        "class M:\n    def eval(self, mode=True):\n        return self\n    async def exec(self, q): ...",
      ),
    ).toEqual([]);
    expect(kinds("torch.load(f, map_location='cpu', weights_only=True)")).toEqual([]);
    expect(
      kinds("np.load(f)\nyaml.load(f, Loader=yaml.SafeLoader)\nimportlib.import_module('json')"),
    ).toEqual([]);
    expect(kinds("with open(os.path.join(d, 'x.json'), 'w') as f: pass")).toEqual([]);
  });

  it("finds the unsafe variants of the same calls", () => {
    expect(kinds("torch.load(f, map_location='cpu')")).toEqual(["deserialization"]);
    expect(kinds("np.load(f, allow_pickle=True)")).toEqual(["deserialization"]);
    expect(kinds("yaml.load(f)")).toEqual(["deserialization"]);
    expect(kinds("importlib.import_module(name)")).toEqual(["dynamic-import"]);
    expect(kinds("open('~/.bashrc', 'a')")).toEqual(["file-write", "sensitive-path"]);
    expect(kinds("from subprocess import check_output")).toEqual(["process"]);
    expect(kinds("import ctypes")).toEqual(["native-code"]);
    expect(kinds("eval(x)")).toEqual(["code-execution"]);
  });

  it("calls exec of decoded data by its name", () => {
    expect(kinds("exec(zlib.decompress(base64.b64decode(s)))")).toEqual(["exec-decoded"]);
    expect(kinds("eval(s[::-1])")).toEqual(["exec-decoded"]);
    expect(kinds("exec(marshal.loads(c))")).toEqual(["exec-decoded", "deserialization"]);
  });

  it("reviews code passed to exec as a literal", () => {
    const hits = findDangerousCalls("exec(\"import subprocess; subprocess.call(['id'])\")");
    expect(hits).toEqual([{ kind: "process", index: 0, call: "exec(...subprocess.call(" }]);
  });

  it("stays bounded on hostile input", () => {
    const many = "os.system(x)\n".repeat(10_000);
    expect(findDangerousCalls(many)).toHaveLength(500);
    const unclosed = `eval(${"(".repeat(100_000)}`;
    expect(kinds(unclosed)).toEqual(["code-execution"]);
  });
});
