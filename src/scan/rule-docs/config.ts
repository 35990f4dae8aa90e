import type { RuleDoc } from "../rules.js";

const TRUST_REMOTE_CODE_DOCS =
  "transformers docs, 'Customizing models' / 'Building custom models' (trust_remote_code, auto_map, repo--module.Class)";

/** Rules of the config reader and of the Python source review (docs/rules.md is generated from these). */
export const CONFIG_RULES: RuleDoc[] = [
  {
    id: "CONFIG_REMOTE_CODE",
    name: "ConfigLoadsRepositoryCode",
    defaultSeverity: "medium",
    shortDescription:
      "A config makes the loader import Python code shipped in this repository: transformers auto_map or custom_pipelines, a diffusers custom component or pipeline, a sentence-transformers custom module.",
    help: "Loading runs that code with your privileges once trust_remote_code=True is passed. Review the named .py files (their own findings are listed), pin the revision you reviewed, or use a model that needs no remote code.",
    source: `${TRUST_REMOTE_CODE_DOCS}; diffusers custom pipelines and components docs; sentence-transformers custom modules docs`,
  },
  {
    id: "CONFIG_REMOTE_CODE_EXTERNAL",
    name: "ConfigLoadsOtherRepositoryCode",
    defaultSeverity: "high",
    shortDescription:
      "A config makes the loader download and run Python code from another repository (auto_map 'org/repo--module.Class', a diffusers custom_pipeline): none of it is in what was scanned.",
    help: "Scan and review the other repository at a pinned revision before loading, or copy the reviewed code into this one. Code fetched at load time can change after your review.",
    source: TRUST_REMOTE_CODE_DOCS,
  },
  {
    id: "CONFIG_TRUST_REMOTE_CODE",
    name: "ConfigEnablesRemoteCode",
    defaultSeverity: "medium",
    shortDescription:
      "The config itself sets trust_remote_code: true (e.g. in model or tokenizer kwargs), so a loader following it runs repository code without the user opting in.",
    help: "Remove the setting or review the code it enables; a user loading this config should make that decision, not the file.",
    source: TRUST_REMOTE_CODE_DOCS,
  },
  {
    id: "CONFIG_DANGEROUS_CLASS",
    name: "ConfigNamesDangerousCallable",
    defaultSeverity: "critical",
    shortDescription:
      "A config names a known-dangerous callable (os.system, builtins.eval, subprocess.Popen, ...) as a class a loader imports and calls (diffusers component, sentence-transformers module type).",
    help: "Do not load this model. No real pipeline is built from these callables; treat the repository as malicious.",
  },
  {
    id: "CONFIG_UNLISTED_CLASS",
    name: "ConfigNamesUnknownPackage",
    defaultSeverity: "high",
    shortDescription:
      "A config makes the loader import and instantiate a class from a package outside the libraries it belongs to (a sentence-transformers module type outside sentence_transformers).",
    help: "Loading imports that package and runs its code. Check that it is a package you installed on purpose and trust; otherwise do not load the model.",
  },
  {
    id: "CONFIG_MALFORMED",
    name: "MalformedConfig",
    defaultSeverity: "low",
    shortDescription:
      "A .json or .yaml config does not parse; the loader rejects it, so nothing in it runs, but it was not checked either.",
    help: "Re-download the file. If a tool you use reads it with a more lenient parser, fix the file and scan again.",
  },
  {
    id: "HYDRA_DANGEROUS_TARGET",
    name: "HydraDangerousTarget",
    defaultSeverity: "critical",
    shortDescription:
      "A Hydra/NeMo config's _target_ names a known-dangerous callable (os.system, builtins.eval, subprocess.Popen, torch.load, hydra.utils.call, ...); hydra.utils.instantiate imports and calls it with the config's arguments.",
    help: "Do not restore this model (NeMo restore_from / Hydra instantiate). No real model config targets these callables; treat the file as malicious.",
    source:
      "Hydra docs, 'Instantiating objects with Hydra' (_target_, _args_, _partial_); NeMo restores .nemo model_config.yaml through hydra.utils.instantiate",
  },
  {
    id: "HYDRA_UNLISTED_TARGET",
    name: "HydraUnknownTarget",
    defaultSeverity: "high",
    shortDescription:
      "A Hydra/NeMo config's _target_ names a callable outside the known ML frameworks (nemo, torch, lightning, transformers, ...); instantiate imports that module and calls it.",
    help: "Check that the module is code you installed on purpose and trust, or add it to scan.allowGlobals in modelgate.yaml; otherwise do not load the model.",
    source: "Hydra docs, 'Instantiating objects with Hydra'",
  },
  {
    id: "YAML_PYTHON_TAG",
    name: "YamlPythonTagDangerous",
    defaultSeverity: "critical",
    shortDescription:
      "A YAML tag (!!python/object/apply:, !!python/object/new:, !!python/object:, !!python/name:, !!python/module:) names a known-dangerous callable; PyYAML's unsafe loaders import and call it.",
    help: "Never load this file with yaml.load(Loader=Loader/UnsafeLoader) or yaml.unsafe_load; yaml.safe_load rejects the tag. No exporter writes these tags for dangerous callables: treat the file as malicious.",
    source:
      "CVE-2017-18342, CVE-2020-1747, CVE-2020-14343 (PyYAML arbitrary code execution through python/ tags)",
  },
  {
    id: "YAML_PYTHON_OBJECT",
    name: "YamlPythonTagUnknown",
    defaultSeverity: "high",
    shortDescription:
      "A YAML python/ tag names a class, function or module outside the allow-list; PyYAML's unsafe loaders import it (and call it for object/apply and object/new).",
    help: "Load the file with yaml.safe_load if you can; otherwise check that the named code is what you expect and allow it in modelgate.yaml.",
    source: "CVE-2017-18342, CVE-2020-14343; PyYAML documentation on yaml.load and Loader classes",
  },
  {
    id: "SKOPS_DANGEROUS_TYPE",
    name: "SkopsDangerousType",
    defaultSeverity: "critical",
    shortDescription:
      "A skops schema.json names a known-dangerous type or function (os.system, builtins.eval, ...) that skops.io.load imports once it is trusted.",
    help: "Never pass this type to skops.io.load(trusted=...) and do not trust get_untrusted_types() blindly; treat the file as malicious.",
    source: "skops docs, 'Secure persistence with skops' (trusted types, get_untrusted_types)",
  },
  {
    id: "SKOPS_UNTRUSTED_TYPE",
    name: "SkopsUntrustedType",
    defaultSeverity: "high",
    shortDescription:
      "A skops schema.json names a type outside skops' defaults and the allow-list; loading it requires trusting it, which imports and runs that code.",
    help: "Check each untrusted type (skops.io.get_untrusted_types) before passing it to trusted=; allow the ones you know in modelgate.yaml.",
    source: "skops docs, 'Secure persistence with skops'",
  },
  {
    id: "PYTHON_REMOTE_CODE",
    name: "PythonSourceInRepository",
    defaultSeverity: "low",
    shortDescription:
      "The repository ships Python source: it runs when the model is loaded with trust_remote_code=True (or when something imports it).",
    help: "Read the file before loading the model with trust_remote_code=True, and pin the revision you reviewed; dangerous calls found in it are reported separately.",
    source: TRUST_REMOTE_CODE_DOCS,
  },
  {
    id: "PYTHON_DANGEROUS_CALL",
    name: "PythonDangerousCall",
    defaultSeverity: "high",
    shortDescription:
      "Python source in the repository calls something a model never needs to load: processes, eval/exec of non-literals, dynamic imports, native code, network requests, unsafe deserialization, rmtree, writes outside the repository, credential paths.",
    help: "Read the quoted lines. If the model is yours and the call is intended, accept the finding; otherwise do not load the model with trust_remote_code=True.",
  },
  {
    id: "PYTHON_EXEC_DECODED",
    name: "PythonExecutesDecodedData",
    defaultSeverity: "critical",
    shortDescription:
      "Python source passes decoded data (base64, hex, zlib, marshal, reversed strings) to exec/eval/compile: the signature of a hidden payload.",
    help: "Do not load the model. Legitimate modeling code never executes encoded blobs; treat the repository as malicious.",
  },
];
