/**
 * Catalogue of known-dangerous pickle globals. An entry names a canonical module (see
 * normalize.ts) and either a list of qualnames or "*" for the whole module and every submodule.
 * Each carries the capability a loader hands to the file's author, and the advisory or source
 * where one exists. Advisory ids `GHSA-…` are picklescan's, each with a regression sample of the
 * same name in picklescan's test data.
 *
 * The catalogue is what turns "not allowed" (high) into "dangerous" (critical); the allow-list, not
 * this list, is what keeps unknown callables out.
 */

export const CAPABILITIES = [
  "code-execution",
  "process",
  "file-write",
  "file-read",
  "network",
  "import",
  "deserialization",
  "attribute-access",
  "reflection",
  "denial-of-service",
] as const;
export type Capability = (typeof CAPABILITIES)[number];

export interface DangerousEntry {
  /** Canonical module. With names "*", also every submodule. */
  module: string;
  names: readonly string[] | "*";
  capability: Capability;
  /** Advisory id (GHSA/CVE) when one was published for this gadget; several are joined by ", ". */
  advisory?: string;
  /** Where the entry comes from or why it is dangerous. */
  note?: string;
}

const PS = "picklescan deny-list";

function d(
  module: string,
  names: readonly string[] | "*",
  capability: Capability,
  extra: { advisory?: string; note?: string } = {},
): DangerousEntry {
  return { module, names, capability, ...extra };
}

export const DANGEROUS_CATALOGUE: readonly DangerousEntry[] = [
  // --- builtins ---
  d("builtins", ["eval", "exec", "compile", "execfile", "__build_class__"], "code-execution", { note: PS }),
  d("builtins", ["breakpoint"], "code-execution", { note: "starts pdb, which runs typed code" }),
  d("builtins", ["apply", "map", "filter"], "reflection", { note: "calls an arbitrary callable" }),
  d("builtins", ["__import__", "reload"], "import", { note: PS }),
  d("builtins", ["getattr", "setattr", "delattr", "hasattr"], "attribute-access", { note: PS }),
  d("builtins", ["globals", "locals", "vars", "dir", "type", "super", "help"], "reflection"),
  d("builtins", ["open", "file"], "file-write", { note: "open() creates or truncates files" }),
  d("builtins", ["input", "raw_input", "exit", "quit"], "denial-of-service", {
    note: "blocks on stdin or ends the process",
  }),
  d("_sitebuiltins", "*", "process", { note: "help/quit helpers run pydoc's pager" }),

  // --- attribute and call gadgets ---
  d("operator", ["attrgetter", "itemgetter", "methodcaller"], "attribute-access", { note: PS }),
  d("operator", ["attrgetter"], "attribute-access", { advisory: "GHSA-46h3-79wf-xr6c" }),
  d("operator", ["methodcaller"], "attribute-access", { advisory: "GHSA-955r-x9j8-7rhh" }),
  d("operator", ["call", "setitem", "delitem"], "reflection"),
  d("functools", ["partial", "partialmethod", "reduce"], "reflection", { note: PS }),
  d(
    "types",
    ["CodeType", "FunctionType", "LambdaType", "MethodType", "ModuleType", "new_class"],
    "code-execution",
    {
      note: PS,
    },
  ),
  d(
    "copyreg",
    ["add_extension", "remove_extension", "clear_extension_cache", "pickle", "constructor"],
    "reflection",
    {
      note: "rewrites the unpickler's extension or reduce registry",
    },
  ),
  d("inspect", "*", "reflection"),
  d("gc", "*", "reflection"),
  d("atexit", ["register"], "reflection", { note: "runs a callable at interpreter exit" }),
  d("weakref", ["finalize"], "reflection", { note: "runs a callable when an object dies" }),
  d("threading", "*", "reflection", { note: "Thread(target=…) runs a callable" }),

  // --- processes ---
  d("os", "*", "process", {
    note: "every os function is judged dangerous (system, popen, exec*, spawn*, posix_spawn, kill, remove…)",
  }),
  d("os.path", "*", "file-read", { note: "probes the file system; kept under the os rule" }),
  d("subprocess", "*", "process", { note: PS }),
  d("_posixsubprocess", "*", "process"),
  d("pty", "*", "process", { note: PS }),
  d("pty", ["spawn"], "process", { advisory: "GHSA-vqmv-47xg-9wpr" }),
  d("tty", "*", "process"),
  d("termios", "*", "process"),
  d("signal", "*", "process"),
  d("multiprocessing", "*", "process"),
  d("concurrent", "*", "process"),
  d("asyncio", "*", "process", { note: PS }),
  d("asyncio.unix_events", ["_UnixSubprocessTransport._start"], "process", {
    advisory: "GHSA-jgw4-cr84-mqxg, GHSA-q77w-mwjj-7mqx",
  }),
  d("platform", "*", "process", { note: "popen and _syscmd_* run commands" }),
  d("webbrowser", "*", "process", { note: PS }),
  d("antigravity", "*", "process", { note: "importing it opens a browser" }),
  d("mailcap", "*", "process"),
  d("winreg", "*", "process"),
  d("msvcrt", "*", "process"),
  d("_winapi", "*", "process"),
  d("_osx_support", "*", "process", { note: PS }),
  d("_osx_support", ["_read_output"], "process", { advisory: "GHSA-g38g-8gr9-h9xp" }),
  d("_aix_support", "*", "process", { note: PS }),
  d("_aix_support", ["_read_cmd_output"], "process", { advisory: "GHSA-g38g-8gr9-h9xp" }),
  d("_pyrepl", "*", "process", { note: PS }),
  d("_pyrepl.pager", ["pipe_pager"], "process", { advisory: "GHSA-g38g-8gr9-h9xp" }),
  d("uuid", "*", "process", { note: "private helpers run ifconfig/ipconfig; only uuid.UUID is allowed" }),
  d("uuid", ["_get_command_stdout"], "process", { advisory: "GHSA-g38g-8gr9-h9xp" }),
  d("pydoc", "*", "process", { note: PS }),
  d("pydoc", ["pipepager", "tempfilepager", "pager", "getpager"], "process"),
  d("pydoc", ["locate"], "import", { advisory: "GHSA-84r2-jw7c-4r5q" }),
  d("imaplib", "*", "network"),
  d("imaplib", ["IMAP4_stream"], "process", { advisory: "GHSA-g38g-8gr9-h9xp" }),
  d("sys", "*", "reflection", { note: "sys.modules, settrace, setprofile, exit; " + PS }),
  d("sys", ["exit"], "denial-of-service"),
  d("time", ["sleep"], "denial-of-service"),
  d("resource", "*", "denial-of-service"),

  // --- code execution ---
  d("runpy", "*", "code-execution", { note: PS }),
  d("timeit", "*", "code-execution", { note: PS }),
  d("cProfile", "*", "code-execution", { note: PS }),
  d("cProfile", ["run"], "code-execution", { advisory: "GHSA-49gj-c84q-6qm9" }),
  d("cProfile", ["runctx"], "code-execution", { advisory: "GHSA-9w88-8rmg-7g2p" }),
  d("profile", "*", "code-execution", { note: PS }),
  d("profile", ["run"], "code-execution", { advisory: "GHSA-7wx9-6375-f5wh" }),
  d("profile", ["Profile.run"], "code-execution", { advisory: "GHSA-x696-vm39-cp64" }),
  d("profile", ["Profile.runctx"], "code-execution", { advisory: "GHSA-6vqj-c2q5-j97w" }),
  d("pstats", "*", "file-read"),
  d("pdb", "*", "code-execution", { note: PS }),
  d("bdb", "*", "code-execution", { note: PS }),
  d("trace", "*", "code-execution", { note: PS }),
  d("trace", ["Trace.run"], "code-execution", { advisory: "GHSA-5qwp-399c-mjwf" }),
  d("trace", ["Trace.runctx"], "code-execution", { advisory: "GHSA-g344-hcph-8vgg" }),
  d("code", "*", "code-execution", { note: PS }),
  d("code", ["InteractiveInterpreter.runcode"], "code-execution", { advisory: "GHSA-cj3c-v495-4xqh" }),
  d("codeop", "*", "code-execution"),
  d("doctest", "*", "code-execution", { note: PS }),
  d("doctest", ["debug_script"], "code-execution", { advisory: "GHSA-fqq6-7vqf-w3fg" }),
  d("idlelib", "*", "code-execution", { note: PS }),
  d("idlelib.pyshell", ["ModifiedInterpreter.runcode"], "code-execution", {
    advisory: "GHSA-3gf5-cxq9-w223",
  }),
  d("idlelib.pyshell", ["ModifiedInterpreter.runcommand"], "code-execution", {
    advisory: "GHSA-j343-8v2j-ff7w",
  }),
  d("idlelib.debugobj", ["ObjectTreeItem.SetText"], "code-execution", { advisory: "GHSA-3vg9-h568-4w9m" }),
  d("idlelib.autocomplete", ["AutoComplete.get_entity"], "code-execution", {
    advisory: "GHSA-6w4w-5w54-rjvr",
  }),
  d("idlelib.autocomplete", ["AutoComplete.fetch_completions"], "code-execution", {
    advisory: "GHSA-7cq8-mj8x-j263",
  }),
  d("idlelib.calltip", ["Calltip.fetch_tip"], "code-execution", { advisory: "GHSA-8r4j-24qv-fmq9" }),
  d("idlelib.calltip", ["get_entity"], "code-execution", { advisory: "GHSA-9xph-j2h6-g47v" }),
  d("idlelib.run", ["Executive.runcode"], "code-execution", { advisory: "GHSA-m869-42cg-3xwr" }),
  d("lib2to3", "*", "code-execution", { note: PS }),
  d("lib2to3.pgen2.grammar", ["Grammar.loads"], "deserialization", { advisory: "GHSA-f54q-57x4-jg88" }),
  d("lib2to3.pgen2.pgen", ["ParserGenerator.make_label"], "code-execution", {
    advisory: "GHSA-p9w7-82w4-7q8m",
  }),
  d("rlcompleter", "*", "code-execution", { note: "Completer evaluates expressions" }),
  d("tkinter", "*", "code-execution", { note: "Tcl().eval" }),
  d("_tkinter", "*", "code-execution"),
  d("IPython", "*", "code-execution"),
  d("jinja2", "*", "code-execution", { note: "templates are code" }),
  d("numexpr", ["evaluate", "NumExpr"], "code-execution"),
  d("sympy", ["sympify", "parse_expr"], "code-execution", { note: "uses eval" }),
  d("sympy.parsing.sympy_parser", ["parse_expr", "eval_expr"], "code-execution"),
  d("ctypes", "*", "code-execution", { note: PS }),
  d("ctypes", ["CDLL"], "code-execution", { advisory: "GHSA-4675-36f9-wf6r" }),
  d("cffi", "*", "code-execution"),
  d("unittest", "*", "import", { note: "loaders import modules by name; mock patches attributes" }),
  d("test", "*", "process", { note: PS }),
  d("test.support.script_helper", ["assert_python_ok"], "process", { advisory: "GHSA-g38g-8gr9-h9xp" }),
  d("logging.config", "*", "code-execution", { note: "dictConfig/listen import and call named objects" }),
  d("pandas", ["eval"], "code-execution"),
  d("pandas.core.computation.eval", ["eval"], "code-execution"),

  // --- import machinery ---
  d("importlib", "*", "import"),
  d("imp", "*", "import"),
  d("pkgutil", "*", "import"),
  d("pkgutil", ["resolve_name"], "import", { advisory: "GHSA-vvpj-8cmc-gx39" }),
  d("zipimport", "*", "import"),
  d("site", "*", "import"),
  d("pyclbr", "*", "import"),
  d("modulefinder", "*", "import"),

  // --- installers and build tools ---
  d("pip", "*", "process", { note: PS }),
  d("ensurepip", "*", "process", { note: PS }),
  d("ensurepip", ["_run_pip"], "process", { advisory: "GHSA-xp4f-hrf8-rxw7" }),
  d("venv", "*", "process", { note: PS }),
  d("distutils", "*", "file-write", { note: PS }),
  d("distutils.file_util", ["write_file"], "file-write", { advisory: "GHSA-m273-6v24-x4m4" }),
  d("setuptools", "*", "process"),
  d("pkg_resources", "*", "import"),
  d("compileall", "*", "file-write"),
  d("py_compile", "*", "file-write"),
  d("zipapp", "*", "file-write"),

  // --- network ---
  d("socket", "*", "network", { note: PS }),
  d("ssl", "*", "network", { note: PS }),
  d("select", "*", "network"),
  d("selectors", "*", "network"),
  d("socketserver", "*", "network"),
  d("http.client", "*", "network", { note: PS }),
  d("http.server", "*", "network"),
  d("urllib.request", "*", "network", { note: PS }),
  d("urllib", ["urlopen", "urlretrieve", "URLopener", "FancyURLopener"], "network"),
  d("urllib3", "*", "network"),
  d("requests", "*", "network", { note: PS }),
  d("aiohttp", "*", "network", { note: PS }),
  d("httpx", "*", "network"),
  d("ftplib", "*", "network"),
  d("smtplib", "*", "network"),
  d("smtpd", "*", "network"),
  d("telnetlib", "*", "network"),
  d("poplib", "*", "network"),
  d("nntplib", "*", "network"),
  d("xmlrpc", "*", "network"),
  d("wsgiref", "*", "network"),
  d("asyncore", "*", "network"),
  d("asynchat", "*", "network"),
  d("paramiko", "*", "network"),
  d("sklearn.datasets", "*", "network", { note: "fetch_* download and cache files" }),

  // --- files ---
  d("io", ["open", "open_code", "FileIO"], "file-write", { note: PS }),
  d("codecs", ["open", "EncodedFile"], "file-write"),
  d("shutil", "*", "file-write", { note: PS }),
  d("tempfile", "*", "file-write"),
  d("glob", "*", "file-read"),
  d("pathlib", "*", "file-write", { note: "Path.write_text/unlink/… reachable through dotted names" }),
  d("fileinput", "*", "file-write"),
  d("filecmp", "*", "file-read"),
  d("linecache", "*", "file-read"),
  d("netrc", "*", "file-read"),
  d("mailbox", "*", "file-write"),
  d("mmap", "*", "file-write"),
  d("fcntl", "*", "file-write"),
  d("readline", "*", "file-write"),
  d("sqlite3", "*", "file-write"),
  d("dbm", "*", "file-write"),
  d("zipfile", "*", "file-write"),
  d("tarfile", "*", "file-write"),
  d("gzip", ["open", "GzipFile"], "file-write"),
  d("bz2", ["open", "BZ2File"], "file-write"),
  d("lzma", ["open", "LZMAFile"], "file-write"),
  d("logging", ["FileHandler", "basicConfig"], "file-write", { note: PS }),
  d("logging.handlers", "*", "file-write"),

  // --- nested deserialization ---
  d("pickle", "*", "deserialization", { note: PS }),
  d("marshal", "*", "deserialization", { note: "marshal.loads builds code objects" }),
  d("shelve", "*", "deserialization"),
  d("dill", "*", "code-execution", { note: "dill._dill._create_code/_create_function build code objects" }),
  d("cloudpickle", "*", "code-execution", { note: PS }),
  d(
    "yaml",
    ["load", "load_all", "unsafe_load", "unsafe_load_all", "full_load", "full_load_all"],
    "deserialization",
  ),
  d("yaml", ["UnsafeLoader", "FullLoader", "Loader"], "deserialization"),
  d("pandas", ["read_pickle"], "deserialization"),
  d("pandas.io.pickle", ["read_pickle"], "deserialization"),
  d("joblib", ["load"], "deserialization"),
  d("joblib.numpy_pickle", ["load"], "deserialization"),
  d("joblib", ["dump", "Memory"], "file-write"),
  d("joblib.numpy_pickle", ["dump"], "file-write"),
  d("joblib.memory", "*", "file-write"),
  d("joblib.parallel", "*", "process"),
  d("joblib._parallel_backends", "*", "process"),
  d("joblib.externals", "*", "code-execution", { note: "vendored cloudpickle and loky" }),

  // --- numpy ---
  d("numpy.f2py", "*", "process", { note: PS }),
  d("numpy.f2py.crackfortran", ["getlincoef"], "code-execution", { advisory: "GHSA-r8g5-cgf2-4m4m" }),
  d("numpy.distutils", "*", "process"),
  d("numpy.testing", "*", "code-execution", { note: "numpy.testing._private.utils.runstring; " + PS }),
  d("numpy.ctypeslib", "*", "code-execution", { note: "load_library loads native code" }),
  d("numpy", ["load"], "deserialization", { note: "allow_pickle loads nested pickles" }),
  d("numpy", ["save", "savez", "savez_compressed", "savetxt", "memmap"], "file-write"),
  d("numpy", ["loadtxt", "genfromtxt", "fromfile", "fromregex"], "file-read"),
  d("numpy", ["DataSource"], "network"),
  d("numpy.core.memmap", "*", "file-write"),
  d("numpy.core.multiarray", ["fromfile"], "file-read"),
  d("numpy.core.records", ["fromfile"], "file-read"),
  d("numpy.lib.npyio", "*", "deserialization"),
  d("numpy.lib._npyio_impl", "*", "deserialization"),
  d("numpy.lib.format", "*", "deserialization"),
  d("numpy.lib._datasource", "*", "network"),

  // --- PyTorch ---
  d("torch.serialization", ["load", "_load", "_legacy_load"], "deserialization", {
    note: "torch.load of attacker bytes; " + PS,
  }),
  d("torch.serialization", ["save", "_save", "_legacy_save"], "file-write"),
  d("torch.storage", ["_load_from_bytes"], "deserialization", { note: "unpickles nested bytes; " + PS }),
  d("torch._utils", ["_import_dotted_name"], "import"),
  d("torch", ["ops.load_library", "classes.load_library"], "code-execution", {
    note: "loads a shared library",
  }),
  d("torch._ops", ["load_library"], "code-execution"),
  d("torch._C", ["import_ir_module", "import_ir_module_from_buffer"], "deserialization"),
  d("torch._C", ["_load_for_lite_interpreter", "_load_for_lite_interpreter_from_buffer"], "deserialization"),
  d("torch.jit", ["load", "CompilationUnit"], "deserialization", { note: "loads and runs TorchScript" }),
  d("torch.jit", ["save"], "file-write"),
  d("torch.jit._serialization", "*", "deserialization"),
  d("torch.jit.unsupported_tensor_ops", "*", "code-execution"),
  d("torch.jit.unsupported_tensor_ops", ["execWrapper"], "code-execution", {
    advisory: "GHSA-vr7h-p6mm-wpmh",
  }),
  d("torch.hub", "*", "code-execution", { note: "downloads and imports repositories" }),
  d("torch.utils.model_zoo", "*", "network"),
  d("torch.package", "*", "import", { note: "imports code shipped inside the package" }),
  d("torch._dynamo", "*", "code-execution"),
  d("torch._dynamo.guards", ["GuardBuilder.get"], "code-execution", { advisory: "GHSA-86cj-95qr-2p4f" }),
  d("torch._inductor", "*", "code-execution", { note: PS }),
  d("torch._inductor.codecache", ["compile_file"], "process"),
  d("torch.fx", "*", "code-execution", { note: "graph modules exec generated Python" }),
  d("torch.fx.experimental.symbolic_shapes", ["ShapeEnv.evaluate_guards_expression"], "code-execution", {
    advisory: "GHSA-f4x7-rfwp-v3xw",
  }),
  d("torch.utils.cpp_extension", "*", "process", { note: "compiles and loads native code" }),
  d("torch.utils.bottleneck", "*", "code-execution"),
  d("torch.utils.bottleneck.__main__", ["run_cprofile"], "code-execution", {
    advisory: "GHSA-4r9r-ch6f-vxmx",
  }),
  d("torch.utils.bottleneck.__main__", ["run_autograd_prof"], "code-execution", {
    advisory: "GHSA-4whj-rm5r-c2v8",
  }),
  d("torch.utils.collect_env", "*", "process"),
  d("torch.utils.collect_env", ["run"], "process", { advisory: "GHSA-f745-w6jp-hpxx" }),
  d("torch.utils.collect_env", ["run_and_read_all"], "process", { advisory: "GHSA-jhph-76pp-mggw" }),
  d("torch.utils._config_module", "*", "code-execution"),
  d("torch.utils._config_module", ["ConfigModule.load_config"], "deserialization", {
    advisory: "GHSA-vv6j-3g6g-2pvj",
  }),
  d("torch.utils.data.datapipes", "*", "deserialization"),
  d("torch.utils.data.datapipes.utils.decoder", ["basichandlers"], "deserialization", {
    advisory: "GHSA-h3qp-7fh3-f8h4",
  }),
  d("torch.utils.benchmark", "*", "code-execution", { note: "Timer compiles statements" }),
  d("torch.utils.tensorboard", "*", "file-write"),
  d("torch.multiprocessing", "*", "process"),
  d("torch.distributed.rpc", "*", "network"),
  d("torch.distributed.elastic", "*", "process"),
  d("torch.testing._internal", "*", "process"),
  d("torch.onnx", "*", "file-write"),
  d("torch.export", ["load", "save"], "deserialization"),
  d("torch._export", "*", "deserialization"),
];

export interface DangerousMatch {
  entry: DangerousEntry;
  /** True when the entry names this qualname (or the chain's first step); false for a module rule. */
  exact: boolean;
}

const exactIndex = new Map<string, DangerousEntry>();
const moduleIndex = new Map<string, DangerousEntry>();
for (const e of DANGEROUS_CATALOGUE) {
  if (e.names === "*") {
    if (!moduleIndex.has(e.module)) moduleIndex.set(e.module, e);
  } else {
    for (const n of e.names) {
      const key = e.module + "\u0000" + n;
      // The first entry with an advisory wins; later duplicates only add nothing.
      const prev = exactIndex.get(key);
      if (prev === undefined || (prev.advisory === undefined && e.advisory !== undefined))
        exactIndex.set(key, e);
    }
  }
}

/** Exact catalogue entry for (module, qualname); `qualname` may be dotted. */
export function lookupDangerousExact(module: string, qualname: string): DangerousEntry | undefined {
  return exactIndex.get(module + "\u0000" + qualname);
}

/** The closest whole-module entry covering `module` (itself or an ancestor package). */
export function lookupDangerousModule(module: string): DangerousEntry | undefined {
  let m = module;
  for (;;) {
    const e = moduleIndex.get(m);
    if (e !== undefined) return e;
    const dot = m.lastIndexOf(".");
    if (dot <= 0) return undefined;
    m = m.slice(0, dot);
  }
}

/** Names of every module the catalogue covers as a whole. */
export function dangerousModules(): string[] {
  return [...moduleIndex.keys()];
}

/** Every exact (module, qualname) the catalogue names. */
export function dangerousExactNames(): Array<[string, string]> {
  return [...exactIndex.keys()].map((k) => {
    const i = k.indexOf("\u0000");
    return [k.slice(0, i), k.slice(i + 1)];
  });
}
