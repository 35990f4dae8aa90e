/**
 * Canonical names for pickle globals.
 *
 * A pickle names a callable as (module, qualname). The same object has many spellings: Python 2
 * module names that the Python 3 unpickler maps (`__builtin__`, `copy_reg`, `cPickle`), C
 * accelerator modules (`_operator`, `_pickle`, `_io`), platform modules (`posix`, `nt`,
 * `posixpath`), numpy 2's `numpy._core` beside `numpy.core`. The judge works on one canonical
 * spelling so that an alias can never slip past an entry written for the other.
 *
 * Names are not cleaned: whitespace, NUL bytes or other odd characters stay as they are, because
 * they are evidence of a crafted file (and make the name unimportable, which the judge reports).
 */

export interface NormalizedGlobal {
  /** Canonical module, e.g. `builtins`, `os`, `os.path`, `numpy.core.multiarray`. */
  module: string;
  /** Canonical qualname; may be dotted (`OrderedDict.fromkeys`, `getattr.__self__`). */
  name: string;
  /** The qualname split on `.`: a protocol 4+ loader walks it with getattr, one step at a time. */
  chain: string[];
}

/**
 * Whole-module renames. Python 2 names are the ones CPython's `_compat_pickle.IMPORT_MAPPING`
 * applies when a protocol 0-2 pickle is loaded under Python 3; the C accelerators and platform
 * modules are the same objects as their public module.
 */
const MODULE_ALIASES: ReadonlyMap<string, string> = new Map([
  // builtins
  ["__builtin__", "builtins"],
  ["exceptions", "builtins"],
  // os and its platform implementations
  ["posix", "os"],
  ["nt", "os"],
  ["posixpath", "os.path"],
  ["ntpath", "os.path"],
  ["macpath", "os.path"],
  ["genericpath", "os.path"],
  // C accelerators
  ["_operator", "operator"],
  ["_pickle", "pickle"],
  ["cPickle", "pickle"],
  ["_io", "io"],
  ["_pyio", "io"],
  ["StringIO", "io"],
  ["cStringIO", "io"],
  ["_codecs", "codecs"],
  ["_functools", "functools"],
  ["_collections", "collections"],
  ["_collections_abc", "collections.abc"],
  ["_abcoll", "collections.abc"],
  ["UserDict", "collections"],
  ["UserList", "collections"],
  ["UserString", "collections"],
  ["copy_reg", "copyreg"],
  ["_socket", "socket"],
  ["_ssl", "ssl"],
  ["_thread", "threading"],
  ["thread", "threading"],
  ["_datetime", "datetime"],
  ["_pydatetime", "datetime"],
  ["_decimal", "decimal"],
  ["_pydecimal", "decimal"],
  ["_signal", "signal"],
  ["_sqlite3", "sqlite3"],
  ["_ctypes", "ctypes"],
  ["_pydoc", "pydoc"],
  ["_marshal", "marshal"],
  // Python 2 standard library renames (_compat_pickle.IMPORT_MAPPING)
  ["commands", "subprocess"],
  ["urllib2", "urllib.request"],
  ["urlparse", "urllib.parse"],
  ["robotparser", "urllib.robotparser"],
  ["httplib", "http.client"],
  ["BaseHTTPServer", "http.server"],
  ["SimpleHTTPServer", "http.server"],
  ["CGIHTTPServer", "http.server"],
  ["Cookie", "http.cookies"],
  ["cookielib", "http.cookiejar"],
  ["htmlentitydefs", "html.entities"],
  ["HTMLParser", "html.parser"],
  ["xmlrpclib", "xmlrpc.client"],
  ["SimpleXMLRPCServer", "xmlrpc.server"],
  ["DocXMLRPCServer", "xmlrpc.server"],
  ["SocketServer", "socketserver"],
  ["ConfigParser", "configparser"],
  ["Queue", "queue"],
  ["repr", "reprlib"],
  ["anydbm", "dbm"],
  ["whichdb", "dbm"],
  ["dbhash", "dbm.bsd"],
  ["dumbdbm", "dbm.dumb"],
  ["gdbm", "dbm.gnu"],
  ["_winreg", "winreg"],
  ["test.test_support", "test.support"],
  ["_elementtree", "xml.etree.ElementTree"],
]);

/**
 * Module prefixes whose whole subtree was renamed: `numpy._core.multiarray` is the numpy 2 name of
 * `numpy.core.multiarray` (numpy 2 keeps `numpy.core` as a shim that loads the same objects).
 */
const PREFIX_ALIASES: ReadonlyArray<readonly [string, string]> = [
  ["numpy._core", "numpy.core"],
  ["sklearn.externals.joblib", "joblib"],
];

/**
 * Single names renamed by `_compat_pickle.NAME_MAPPING` (keyed by the canonical module after
 * MODULE_ALIASES, since `__builtin__` and `exceptions` both become `builtins`).
 */
const NAME_ALIASES: ReadonlyMap<string, readonly [string, string]> = new Map([
  ["builtins.xrange", ["builtins", "range"]],
  ["builtins.unicode", ["builtins", "str"]],
  ["builtins.basestring", ["builtins", "str"]],
  ["builtins.long", ["builtins", "int"]],
  ["builtins.unichr", ["builtins", "chr"]],
  ["builtins.raw_input", ["builtins", "input"]],
  ["builtins.reduce", ["functools", "reduce"]],
  ["builtins.intern", ["sys", "intern"]],
  ["builtins.StandardError", ["builtins", "Exception"]],
  ["itertools.izip", ["builtins", "zip"]],
  ["itertools.imap", ["builtins", "map"]],
  ["itertools.ifilter", ["builtins", "filter"]],
  ["itertools.ifilterfalse", ["itertools", "filterfalse"]],
  ["itertools.izip_longest", ["itertools", "zip_longest"]],
  ["socket._socketobject", ["socket", "SocketType"]],
  // torch.load is torch.serialization.load re-exported; judge both the same way.
  ["torch.load", ["torch.serialization", "load"]],
  ["torch.save", ["torch.serialization", "save"]],
]);

function canonicalModule(module: string): string {
  const direct = MODULE_ALIASES.get(module);
  if (direct !== undefined) return direct;
  for (const [from, to] of PREFIX_ALIASES) {
    if (module === from) return to;
    if (module.startsWith(from + ".")) return to + module.slice(from.length);
  }
  // A Python 2 alias used as a package prefix (`posixpath` has no children, but `urllib2.x`
  // or `os.path` spelled `posix.path` should still land on the canonical module).
  const dot = module.indexOf(".");
  if (dot > 0) {
    const head = MODULE_ALIASES.get(module.slice(0, dot));
    if (head !== undefined) return head + module.slice(dot);
  }
  return module;
}

/**
 * Map a (module, qualname) pair to its canonical spelling and split the qualname into the chain
 * of attribute lookups a protocol 4+ unpickler performs. Never throws.
 */
export function normalizeGlobal(module: string, name: string): NormalizedGlobal {
  let mod = canonicalModule(String(module));
  let nm = String(name);
  // `os.path` reached as module `os`, name `path.join` stays a chain on module `os`; but
  // `posix.path` style module spellings were mapped above.
  const renamed = NAME_ALIASES.get(mod + "." + nm);
  if (renamed !== undefined) {
    mod = renamed[0];
    nm = renamed[1];
  } else {
    // A rename of the chain's first step (`__builtin__` + `reduce.__call__`).
    const dot = nm.indexOf(".");
    if (dot > 0) {
      const head = NAME_ALIASES.get(mod + "." + nm.slice(0, dot));
      if (head !== undefined) {
        mod = head[0];
        nm = head[1] + nm.slice(dot);
      }
    }
  }
  return { module: mod, name: nm, chain: nm.split(".") };
}

/** True when `s` is a dotted Python identifier path (ASCII letters, digits, `_`). */
export function isDottedIdentifier(s: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(s);
}
