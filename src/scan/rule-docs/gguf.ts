import type { RuleDoc } from "../rules.js";

/** Rules of the gguf reader and of the chat-template checker (docs/rules.md is generated from these). */
export const GGUF_RULES: RuleDoc[] = [
  {
    id: "GGUF_OVERFLOW",
    name: "GgufSizeOverflow",
    defaultSeverity: "critical",
    shortDescription:
      "A GGUF count, length, dimension or type id is crafted to overflow a loader's size arithmetic or index past its tables: the published llama.cpp heap-overflow pattern.",
    help: "Do not load this file with any GGUF loader. No converter writes such values; treat the file as an exploit and get the model from its original publisher.",
    source:
      "CVE-2024-21802 (n_dims), CVE-2024-21836 (n_tensors), CVE-2024-23605 (n_kv), CVE-2024-23496 (string length), CVE-2024-21825 (array length) (Cisco Talos TALOS-2024-1912..1916); GHSA-96jg-mvhq-q7q7 / CVE-2026-33298 (tensor size); llama.cpp PRs #14595, #19856",
  },
  {
    id: "GGUF_MALFORMED",
    name: "MalformedGguf",
    defaultSeverity: "medium",
    shortDescription:
      "The GGUF structure is broken or refused by llama.cpp (truncated, a count larger than the file, duplicate keys or tensors, bad alignment, unknown value type); the rest is unverified.",
    help: "Re-download the file and verify its hash. Loaders disagree on broken files (duplicate keys: which template is used?); do not load it until it scans clean.",
    source: "llama.cpp ggml/src/gguf.cpp validation (gguf_init_from_file_impl)",
  },
  {
    id: "GGUF_TENSOR_BOUNDS",
    name: "GgufTensorOutOfBounds",
    defaultSeverity: "medium",
    shortDescription:
      "A tensor's data lies outside the file's data region, is misaligned, overlaps another tensor, or is not where llama.cpp's layout puts it.",
    help: "Loaders that map the file may read past it or alias one tensor onto another. Re-convert the model with llama.cpp's tools or get it from its publisher.",
    source: "llama.cpp gguf.cpp offset checks; CVE-2026-7482 (out-of-bounds read from lying tensor metadata)",
  },
  {
    id: "GGUF_UNVERIFIABLE",
    name: "UnverifiableGguf",
    defaultSeverity: "medium",
    shortDescription:
      "A bound of the reader was reached (metadata size, array length, nesting, chat template size), a tensor type is unknown, or the file is big-endian or of an unknown version: part of it was not verified.",
    help: "Real models stay far below these bounds. Check the file's origin; a newer modelgate may know the tensor type or version.",
  },
  {
    id: "TEMPLATE_INJECTION",
    name: "ChatTemplateInjection",
    defaultSeverity: "critical",
    shortDescription:
      "The chat template reaches Python internals (dunder attributes such as __class__, __globals__, __subclasses__, names built at run time): a server-side template injection payload that runs code where the template is rendered without a sandbox.",
    help: "Do not serve this model with a loader that renders templates unsandboxed (llama-cpp-python < 0.2.72 and others). Replace the template with the publisher's original.",
    source:
      "CVE-2024-34359 (llama-cpp-python, GHSA-56xg-wfcc-g829); CVE-2026-5760 (SGLang); GHSA-46cm-pfwv-cgf8 (litellm)",
  },
  {
    id: "TEMPLATE_DANGEROUS_GLOBAL",
    name: "ChatTemplateDangerousReference",
    defaultSeverity: "high",
    shortDescription:
      "The chat template references something that is not chat data (os, self, config, request, lipsum, cycler.__init__-style gadgets, attributes named at run time) or loads other templates ({% include %}, {% import %}).",
    help: "Real chat templates only format messages, tools and special tokens. Compare the template with the publisher's original before serving the model.",
    source: "Jinja2 SSTI gadget catalogues; jinja2.sandbox rules",
  },
  {
    id: "TEMPLATE_UNPARSEABLE",
    name: "ChatTemplateUnparseable",
    defaultSeverity: "medium",
    shortDescription: "The chat template cannot be parsed as Jinja, so it cannot be verified.",
    help: "A broken template breaks chat formatting at best; at worst it hides a payload from parsers that give up. Replace it with the publisher's original.",
  },
];
