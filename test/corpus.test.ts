/**
 * picklescan's own test samples (../shared/corpus/picklescan, 109 real files), run through the CLI:
 * files nobody on this project wrote.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PICKLESCAN_DIR, picklescanCorpus } from "./helpers/paths.js";
import { scanJson } from "./helpers/run-cli.js";

const dir = PICKLESCAN_DIR;
const present = picklescanCorpus("the picklescan corpus through the CLI");

const manifest = present
  ? readFileSync(join(dir, "manifest.tsv"), "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => l.split("\t") as [string, string])
  : [];

/**
 * The call each advisory sample makes, as CPython would run it; checked by hand against
 * `python3 -m pickletools` of each file.
 */
export const ADVISORY_CALLS: Record<string, string> = {
  "GHSA-3gf5-cxq9-w223.pkl":
    "idlelib.pyshell.ModifiedInterpreter.runcode({}, \"__import__('os').system('whoami')\")",
  "GHSA-3vg9-h568-4w9m.pkl":
    "idlelib.debugobj.ObjectTreeItem.SetText({}, \"__import__('os').system('whoami')\")",
  "GHSA-4675-36f9-wf6r.pkl": "ctypes.CDLL(None)",
  "GHSA-46h3-79wf-xr6c.pkl":
    "_operator.attrgetter('system')(builtins.__import__('os'))('echo \"pwned by _operator.attrgetter\"')",
  "GHSA-49gj-c84q-6qm9.pkl": "cProfile.run(\"__import__('os').system('whoami')\")",
  "GHSA-4r9r-ch6f-vxmx.pkl":
    "torch.utils.bottleneck.__main__.run_cprofile(\"__import__('os').system('whoami')\", {})",
  "GHSA-4whj-rm5r-c2v8.pkl":
    "torch.utils.bottleneck.__main__.run_autograd_prof(\"__import__('os').system('whoami')\", {})",
  "GHSA-5qwp-399c-mjwf.pkl": "trace.Trace.run({}, \"__import__('os').system('whoami')\")",
  "GHSA-6vqj-c2q5-j97w.pkl": "profile.Profile.runctx({}, \"__import__('os').system('whoami')\", {}, {})",
  "GHSA-6w4w-5w54-rjvr.pkl":
    "idlelib.autocomplete.AutoComplete.get_entity({}, \"__import__('os').system('whoami')\")",
  "GHSA-7cq8-mj8x-j263.pkl":
    "idlelib.autocomplete.AutoComplete.fetch_completions({}, \"__import__('os').system('whoami')\", 0)",
  "GHSA-7wx9-6375-f5wh.pkl": "profile.run(\"__import__('os').system('whoami')\")",
  "GHSA-84r2-jw7c-4r5q.pkl": "operator.methodcaller('system', 'echo pwned')(pydoc.locate('os'))",
  "GHSA-86cj-95qr-2p4f.pkl":
    "torch._dynamo.guards.GuardBuilder.get({}, \"__import__('os').system('whoami')\")",
  "GHSA-8r4j-24qv-fmq9.pkl": "idlelib.calltip.Calltip.fetch_tip({}, \"__import__('os').system('whoami')\")",
  "GHSA-955r-x9j8-7rhh.pkl":
    "_operator.methodcaller('system', 'echo \"pwned by _operator.methodcaller\"')(builtins.__import__('os'))",
  "GHSA-9w88-8rmg-7g2p.pkl": "cProfile.runctx(\"__import__('os').system('whoami')\", None, None)",
  "GHSA-9xph-j2h6-g47v.pkl": "idlelib.calltip.get_entity(\"__import__('os').system('whoami')\")",
  "GHSA-cj3c-v495-4xqh.pkl": "code.InteractiveInterpreter.runcode({}, \"__import__('os').system('whoami')\")",
  "GHSA-f4x7-rfwp-v3xw.pkl":
    "torch.fx.experimental.symbolic_shapes.ShapeEnv.evaluate_guards_expression({}, \"__import__('os').system('whoami')\", [])",
  "GHSA-f54q-57x4-jg88.pkl": "lib2to3.pgen2.grammar.Grammar.loads({}, b'')",
  "GHSA-f745-w6jp-hpxx.pkl": "torch.utils.collect_env.run(\"__import__('os').system('whoami')\")",
  "GHSA-fqq6-7vqf-w3fg.pkl": "doctest.debug_script(\"__import__('os').system('whoami')\", True)",
  "GHSA-g344-hcph-8vgg.pkl": "trace.Trace.runctx({}, \"__import__('os').system('whoami')\", {}, {})",
  "GHSA-g38g-8gr9-h9xp-aix-support.pkl": "_aix_support._read_cmd_output('id')",
  "GHSA-g38g-8gr9-h9xp-imaplib.pkl": "imaplib.IMAP4_stream('id')",
  "GHSA-g38g-8gr9-h9xp-osx-support.pkl": "_osx_support._read_output('id')",
  "GHSA-g38g-8gr9-h9xp-pyrepl-pager.pkl": "_pyrepl.pager.pipe_pager('text', 'id')",
  "GHSA-g38g-8gr9-h9xp-test.pkl": "test.support.script_helper.assert_python_ok('-c pass')",
  "GHSA-g38g-8gr9-h9xp-uuid.pkl": "uuid._get_command_stdout('id')",
  "GHSA-h3qp-7fh3-f8h4.pkl": "torch.utils.data.datapipes.utils.decoder.basichandlers('pickle', b'')",
  "GHSA-j343-8v2j-ff7w.pkl":
    "idlelib.pyshell.ModifiedInterpreter.runcommand({}, \"__import__('os').system('whoami')\")",
  "GHSA-jgw4-cr84-mqxg.bin":
    "asyncio.unix_events._UnixSubprocessTransport._start({}, 'whoami', True, None, None, None, 0)",
  "GHSA-jhph-76pp-mggw.pkl":
    "torch.utils.collect_env.run_and_read_all(torch.utils.collect_env.run, \"__import__('os').system('whoami')\")",
  "GHSA-m273-6v24-x4m4.pkl": "distutils.file_util.write_file('pwned_config.env', ['malicious content'])",
  "GHSA-m869-42cg-3xwr.pkl": "idlelib.run.Executive.runcode({}, \"__import__('os').system('whoami')\")",
  "GHSA-p9w7-82w4-7q8m.pkl":
    "lib2to3.pgen2.pgen.ParserGenerator.make_label(None, {}, '\"\"+__import__(\\'os\\').system(\\'whoami\\')')",
  "GHSA-q77w-mwjj-7mqx.pkl":
    "asyncio.unix_events._UnixSubprocessTransport._start({}, 'whoami', True, None, None, None, 0)",
  "GHSA-r8g5-cgf2-4m4m.pkl": "numpy.f2py.crackfortran.getlincoef(\"__import__('os').system('whoami')\", [])",
  "GHSA-vqmv-47xg-9wpr.pkl": "pty.spawn(['/bin/sh', '-c', 'id; exit'])",
  "GHSA-vr7h-p6mm-wpmh.pkl":
    "torch.jit.unsupported_tensor_ops.execWrapper(\"__import__('os').system('whoami')\", {}, {})",
  "GHSA-vv6j-3g6g-2pvj.pkl": "torch.utils._config_module.ConfigModule.load_config({}, b'')",
  "GHSA-vvpj-8cmc-gx39.pkl": "pkgutil.resolve_name('os:system')",
  "GHSA-x696-vm39-cp64.pkl": "profile.Profile.run({}, \"__import__('os').system('whoami')\")",
  "GHSA-xp4f-hrf8-rxw7.pkl": "ensurepip._run_pip(\"__import__('os').system('whoami')\")",
  "malicious-invalid-bytes.pkl": "os.system('cat flag.txt')",
  "malicious13a.pkl": "pickle.loads(_codecs.encode('I12345\\n.', 'latin1'))",
  "malicious14.pkl": "runpy._run_code(\"print('456')\")",
  "malicious2_v0.pkl": "posix.system('ls -la')",
  "keyerror-exploit.pkl": "os.system('echo \"pwned by memo keyerror\"')",
  "type-confusion-exploit.pkl": "os.system('echo \"type-confusion-exploit\"')",
  "io_FileIO.pkl": "_io.FileIO('/etc/hosts', 'r')",
  "urllib_request_urlopen.pkl": "urllib.request.urlopen('https://example.invalid')",
};

describe.runIf(present)("picklescan corpus through the CLI", () => {
  it("has the 109 samples the manifest promises", () => {
    expect(manifest).toHaveLength(109);
  });

  for (const [file, expected] of manifest) {
    it(`${file} is ${expected}`, async () => {
      const { code, report } = await scanJson(join(dir, file));
      const severities = report.findings.map((f) => f.severity);
      if (expected === "malicious") {
        expect(code).toBe(1);
        // The manifest asks for critical or high; every sample reaches a catalogued callable, so critical.
        expect(severities).toContain("critical");
      } else if (expected === "benign") {
        expect(report.findings.filter((f) => ["critical", "high", "medium"].includes(f.severity))).toEqual(
          [],
        );
        expect(code).toBe(0);
      } else if (expected === "unverifiable") {
        const why = report.findings.find((f) => ["critical", "high", "medium"].includes(f.severity));
        expect(why?.message).toMatch(/encrypt/i);
        expect(code).toBe(1);
      } else {
        expect([0, 1, 3]).toContain(code);
        expect(report.findings.map((f) => f.ruleId)).not.toContain("SCANNER_ERROR");
      }
      const base = file.split("/").pop()!;
      const call = ADVISORY_CALLS[base];
      if (call) {
        expect(report.findings.map((f) => f.evidence.call)).toContain(call);
      }
    });
  }
});
