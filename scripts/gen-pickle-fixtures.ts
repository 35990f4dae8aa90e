/**
 * Writes the crafted pickle fixtures under test/fixtures/pickle/ (hostile tricks for the symbolic VM),
 * built with test/writers/pickle.ts. Run: `npx tsx scripts/gen-pickle-fixtures.ts`. The same files feed
 * the differential test against CPython's pickletools (scripts/gen-pickletools-data.py).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type PickleWriter, pickle } from "../test/writers/pickle.js";

const osSystem = (w: PickleWriter, cmd = "echo pwned") =>
  w.reduceGlobal("os", "system", (x) => x.shortBinunicode(cmd));

export function buildPickleFixtures(): Record<string, Uint8Array> {
  const f: Record<string, Uint8Array> = {};

  f["frame-ok.pkl"] = pickle()
    .proto(4)
    .framed((w) => osSystem(w).stop())
    .bytes();
  // FRAME says 3 bytes but the payload runs on: CPython only checks availability and reads on.
  f["frame-lie-short.pkl"] = pickle()
    .proto(4)
    .framed(
      (w) => osSystem(w).stop(),
      () => 3,
    )
    .bytes();
  // FRAME longer than the data left: CPython stops at the FRAME (truncated); pickletools reads on.
  f["frame-lie-long.pkl"] = pickle()
    .proto(4)
    .framed(
      (w) => osSystem(w).stop(),
      (n) => n + 1000,
    )
    .bytes();
  // Memo confusion: PUT 0 holds 'os', is overwritten with 'posix'; GET 0 must give 'posix'.
  f["memo-overwrite.pkl"] = pickle()
    .proto(2)
    .binunicode("os")
    .binput(0)
    .op("POP")
    .binunicode("posix")
    .binput(0)
    .op("POP")
    .binunicode("nt")
    .binput(1)
    .op("POP")
    .binget(0)
    .shortBinunicode("system")
    .op("STACK_GLOBAL")
    .shortBinunicode("id")
    .op("TUPLE1")
    .op("REDUCE")
    .stop()
    .bytes();
  // MEMOIZE's index is the number of memo entries: BINPUT 5 then MEMOIZE stores at 1, not 6.
  f["memoize-count.pkl"] = pickle()
    .proto(4)
    .shortBinunicode("subprocess")
    .binput(5)
    .shortBinunicode("getoutput")
    .memoize()
    .op("POP")
    .op("POP")
    .binget(5)
    .binget(1)
    .op("STACK_GLOBAL")
    .shortBinunicode("id")
    .op("TUPLE1")
    .op("REDUCE")
    .stop()
    .bytes();
  // STACK_GLOBAL fed by protocol-0 STRING operands (str in Python 3).
  f["stack-global-string.pkl"] = pickle()
    .string("builtins")
    .string("eval")
    .op("STACK_GLOBAL")
    .mark()
    .stringLine("\"__import__('os').system('x')\"")
    .op("TUPLE")
    .op("REDUCE")
    .stop()
    .bytes();
  // STACK_GLOBAL from memo entries set via protocol-0 PUT/GET lines.
  f["stack-global-memo.pkl"] = pickle()
    .proto(4)
    .unicodeLine("os")
    .put(7)
    .op("POP")
    .shortBinstring("system")
    .put(8)
    .op("POP")
    .get(7)
    .get(8)
    .op("STACK_GLOBAL")
    .shortBinunicode("echo memo")
    .op("TUPLE1")
    .op("REDUCE")
    .stop()
    .bytes();
  // Dotted qualified names kept as written.
  f["dotted-names.pkl"] = pickle()
    .proto(4)
    .stackGlobal("os", "path.os.system")
    .shortBinunicode("x")
    .op("TUPLE1")
    .op("REDUCE")
    .op("POP")
    .global("torch.serialization", "pickle.loads")
    .op("POP")
    .none()
    .stop()
    .bytes();
  f["ext-opcodes.pkl"] = pickle()
    .proto(2)
    .mark()
    .ext1(1)
    .ext2(0x1234)
    .ext4(0x12345678)
    .op("TUPLE")
    .stop()
    .bytes();
  // Three pickles back to back; the payload is in the third.
  f["concatenated.pkl"] = pickle()
    .proto(2)
    .binint(1000)
    .stop()
    .proto(2)
    .op("EMPTY_DICT")
    .stop()
    .proto(2)
    .reduceGlobal("posix", "system", (w) => w.binunicode("echo third"))
    .stop()
    .bytes();
  // Breaks right after the payload (a BINUNICODE that claims far more bytes than exist).
  f["break-after-payload.pkl"] = pickle()
    .proto(2)
    .reduceGlobal("builtins", "exec", (w) => w.binunicode("import os; os.system('id')"))
    .raw([0x58, 0x3e, 0x0a, 0x66, 0x20])
    .bytes();
  f["inst-obj.pkl"] = pickle()
    .mark()
    .string("echo inst")
    .inst("os", "system")
    .op("POP")
    .mark()
    .global("subprocess", "Popen")
    .mark()
    .string("id")
    .op("LIST")
    .op("OBJ")
    .stop()
    .bytes();
  f["newobj-ex.pkl"] = pickle()
    .proto(4)
    .stackGlobal("subprocess", "Popen")
    .shortBinunicode("id")
    .op("TUPLE1")
    .op("EMPTY_DICT")
    .shortBinunicode("shell")
    .bool(true)
    .op("SETITEM")
    .op("NEWOBJ_EX")
    .stop()
    .bytes();
  // BUILD on a global with (None, slotstate): setattr(torch._utils, '_rebuild_tensor', 'builtins').
  f["build-setattr.pkl"] = pickle()
    .proto(2)
    .global("torch", "_utils")
    .none()
    .op("EMPTY_DICT")
    .shortBinstring("_rebuild_tensor")
    .shortBinstring("builtins")
    .op("SETITEM")
    .op("TUPLE2")
    .op("BUILD")
    .stop()
    .bytes();
  // APPENDS on a non-list (the result of a call): CPython calls its extend().
  f["appends-non-list.pkl"] = pickle()
    .proto(2)
    .reduceGlobal("collections", "deque", () => {})
    .mark()
    .shortBinunicode("a")
    .shortBinunicode("b")
    .op("APPENDS")
    .shortBinunicode("k")
    .reduceGlobal("builtins", "set", () => {})
    .op("SETITEM")
    .mark()
    .shortBinunicode("k2")
    .none()
    .op("SETITEMS")
    .stop()
    .bytes();
  // Every protocol 0 opcode.
  f["proto0-all.pkl"] = pickle()
    .mark()
    .mark()
    .int(42)
    .int("00")
    .int("01")
    .long("-123456789012345678901234567890")
    .float("-1.25")
    .float("1e300")
    .stringLine("'a\\x41\\n\\'q'")
    .unicodeLine("caf\\u00e9 \\U0001f600")
    .none()
    .persid("pid-1")
    .put(0)
    .get(0)
    .op("DUP")
    .op("POP")
    .op("TUPLE")
    .op("LIST")
    .mark()
    .op("DICT")
    .string("k")
    .string("v")
    .op("SETITEM")
    .op("APPEND")
    .global("collections", "OrderedDict")
    .op("POP")
    .stop()
    .bytes();
  // Every protocol 1-5 opcode not covered elsewhere.
  f["binary-all.pkl"] = pickle()
    .proto(5)
    .framed((w) =>
      w
        .op("EMPTY_LIST")
        .memoize()
        .mark()
        .binint(-5)
        .binint1(255)
        .binint2(65535)
        .long1(-256n)
        .long4(2n ** 100n)
        .binfloat(0.1)
        .binstring("bs")
        .shortBinstring("sbs")
        .binbytes([0, 1, 2])
        .shortBinbytes("xy")
        .binbytes8("big")
        .bytearray8([9, 8])
        .binunicode("\u00e9t\u00e9")
        .binunicode8("eight")
        .shortBinunicode("short")
        .bool(false)
        .op("EMPTY_TUPLE")
        .mark()
        .binint1(1)
        .op("POP_MARK")
        .binint1(1)
        .op("TUPLE1")
        .binint1(1)
        .binint1(2)
        .op("TUPLE2")
        .binint1(1)
        .binint1(2)
        .binint1(3)
        .op("TUPLE3")
        .op("EMPTY_SET")
        .mark()
        .binint1(7)
        .op("ADDITEMS")
        .mark()
        .binint1(8)
        .op("FROZENSET")
        .longBinput(300)
        .longBinget(300)
        .shortBinunicode("pid")
        .op("BINPERSID")
        .op("APPENDS")
        .stop(),
    )
    .bytes();
  f["proto5-buffers.pkl"] = pickle()
    .proto(5)
    .op("NEXT_BUFFER")
    .op("READONLY_BUFFER")
    .bytearray8("abc")
    .op("TUPLE2")
    .stop()
    .bytes();
  f["newobj.pkl"] = pickle()
    .proto(2)
    .global("copy_reg", "_reconstructor")
    .global("__main__", "Net")
    .op("EMPTY_TUPLE")
    .op("NEWOBJ")
    .op("EMPTY_DICT")
    .op("BUILD")
    .stop()
    .bytes();
  // A pickle inside a bytes argument of a loader.
  const inner = pickle()
    .proto(2)
    .reduceGlobal("os", "system", (w) => w.binunicode("echo nested"))
    .stop()
    .bytes();
  f["nested-pickle.pkl"] = pickle()
    .proto(2)
    .global("torch.storage", "_load_from_bytes")
    .binbytes(inner)
    .op("TUPLE1")
    .op("REDUCE")
    .stop()
    .bytes();
  f["unknown-opcode.pkl"] = pickle().proto(2).none().raw([0xff]).bytes();
  f["truncated-arg.pkl"] = pickle().proto(2).raw([0x4a, 1, 2]).bytes();
  f["bad-string-quotes.pkl"] = pickle().stringLine("'unterminated").stop().bytes();
  f["bad-global-line.pkl"] = pickle().raw("cos\nsystem").bytes();
  return f;
}

const main = () => {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  const dir = join(root, "test", "fixtures", "pickle");
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of Object.entries(buildPickleFixtures())) writeFileSync(join(dir, name), bytes);
  console.log(`wrote ${Object.keys(buildPickleFixtures()).length} fixtures to ${dir}`);
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
