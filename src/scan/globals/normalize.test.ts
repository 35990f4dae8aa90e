import { describe, expect, it } from "vitest";
import { isDottedIdentifier, normalizeGlobal } from "./normalize.js";

const mod = (m: string, n = "x") => normalizeGlobal(m, n).module;

describe("normalizeGlobal", () => {
  it.each([
    ["__builtin__", "builtins"],
    ["builtins", "builtins"],
    ["exceptions", "builtins"],
    ["posix", "os"],
    ["nt", "os"],
    ["os", "os"],
    ["posixpath", "os.path"],
    ["ntpath", "os.path"],
    ["_operator", "operator"],
    ["operator", "operator"],
    ["_pickle", "pickle"],
    ["cPickle", "pickle"],
    ["pickle", "pickle"],
    ["_io", "io"],
    ["io", "io"],
    ["cStringIO", "io"],
    ["_codecs", "codecs"],
    ["codecs", "codecs"],
    ["copy_reg", "copyreg"],
    ["_functools", "functools"],
    ["_collections", "collections"],
    ["commands", "subprocess"],
    ["urllib2", "urllib.request"],
    ["httplib", "http.client"],
    ["SocketServer", "socketserver"],
    ["xmlrpclib", "xmlrpc.client"],
    ["_socket", "socket"],
    ["numpy._core.multiarray", "numpy.core.multiarray"],
    ["numpy._core", "numpy.core"],
    ["numpy.core.multiarray", "numpy.core.multiarray"],
    ["sklearn.externals.joblib.numpy_pickle", "joblib.numpy_pickle"],
    ["posix.path", "os.path"],
  ])("%s -> %s", (from, to) => {
    expect(mod(from)).toBe(to);
  });

  it("maps Python 2 names (_compat_pickle.NAME_MAPPING)", () => {
    expect(normalizeGlobal("__builtin__", "xrange")).toMatchObject({ module: "builtins", name: "range" });
    expect(normalizeGlobal("__builtin__", "unicode")).toMatchObject({ module: "builtins", name: "str" });
    expect(normalizeGlobal("__builtin__", "long")).toMatchObject({ module: "builtins", name: "int" });
    expect(normalizeGlobal("__builtin__", "reduce")).toMatchObject({ module: "functools", name: "reduce" });
    expect(normalizeGlobal("__builtin__", "raw_input")).toMatchObject({ module: "builtins", name: "input" });
    expect(normalizeGlobal("exceptions", "ValueError")).toMatchObject({
      module: "builtins",
      name: "ValueError",
    });
    expect(normalizeGlobal("itertools", "imap")).toMatchObject({ module: "builtins", name: "map" });
  });

  it("maps torch.load to its defining module", () => {
    expect(normalizeGlobal("torch", "load")).toMatchObject({ module: "torch.serialization", name: "load" });
  });

  it("splits dotted qualnames into a chain", () => {
    expect(normalizeGlobal("builtins", "getattr.__self__").chain).toEqual(["getattr", "__self__"]);
    expect(normalizeGlobal("collections", "OrderedDict.fromkeys").chain).toEqual(["OrderedDict", "fromkeys"]);
    expect(normalizeGlobal("os", "system").chain).toEqual(["system"]);
    expect(normalizeGlobal("__builtin__", "reduce.__call__")).toMatchObject({
      module: "functools",
      name: "reduce.__call__",
    });
  });

  it("preserves odd characters", () => {
    expect(normalizeGlobal(" os", "system\n")).toEqual({
      module: " os",
      name: "system\n",
      chain: ["system\n"],
    });
    expect(normalizeGlobal('echo "x"', "os").module).toBe('echo "x"');
    expect(normalizeGlobal("os\u0000", "system").module).toBe("os\u0000");
  });

  it("recognizes Python identifiers", () => {
    expect(isDottedIdentifier("torch._utils")).toBe(true);
    expect(isDottedIdentifier("a..b")).toBe(false);
    expect(isDottedIdentifier('echo "x"')).toBe(false);
    expect(isDottedIdentifier("")).toBe(false);
  });
});
