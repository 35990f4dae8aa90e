import type { LicenseEntry, ObligationFacts } from "../types.js";
import { fact, use } from "./fact.js";

/*
 * AI model licenses and agreements. Every fact cites the section of the agreement it comes from, numbered as
 * in the published text (Llama `§1.b.i`, RAIL `§4(a)`, Stability `§IV(a)`); where a text has no numbers the
 * cite names the paragraph. `note` marks a judgement, or a fact whose text was not read in full: there the
 * more restrictive reading is recorded. Fingerprints are normalized phrases (normalize.ts); an entry matches a
 * text when all of them occur in it (fingerprints.ts), so they are phrases every copy of that exact agreement
 * carries (title, version line, the notice it asks for) and no other agreement does. Sources of every text are
 * listed in test/fixtures/licenses/README.md.
 */

const META_AUP_EU_CLAUSE =
  "The version's Acceptable Use Policy says the Section 1(a) rights to any multimodal models of that version " +
  "are not granted to individuals domiciled in, or companies with a principal place of business in, the " +
  "European Union; end users of a product or service that incorporates them are not affected.";

const RAIL_DERIVATIVE_NOTE =
  "Outputs are not claimed by the licensor, but a model trained by distillation or on synthetic data from " +
  "the Model 'to perform similarly' is a Derivative of the Model and carries the use-based restrictions.";

/**
 * Llama 3.1, 3.2, 3.3 and 4 share one agreement text but for the version name, its date line and the
 * Acceptable Use Policy address; `aupNote` says what that version's AUP adds.
 */
function llamaCommunity(o: {
  key: string;
  version: string;
  dateLine: string;
  url: string;
  aupNote?: string;
}): LicenseEntry {
  const v = o.version.toLowerCase();
  return {
    key: o.key,
    name: `Llama ${o.version} Community License Agreement`,
    spdx: `LicenseRef-${o.key}`,
    hubIds: [o.key],
    url: o.url,
    family: "model-agreement",
    osiApproved: false,
    obligations: {
      commercialUse: use(
        "conditional",
        "§2",
        "Commercial use is granted unless the licensee and its affiliates had more than 700 million monthly " +
          "active users on the version release date; then a separate license from Meta is needed.",
      ),
      attribution: fact(
        true,
        "§1.b.i, §1.b.iii",
        `A copy of the Agreement with any distribution, and a "Notice" file: "Llama ${o.version} is licensed ` +
          `under the Llama ${o.version} Community License, Copyright © Meta Platforms, Inc. All Rights Reserved."`,
      ),
      shareAlike: fact(
        false,
        "§1.b.i, §5.b",
        "Derivatives are owned by their maker; only the Agreement copy and naming duties travel.",
      ),
      useRestrictions: fact(
        true,
        "§1.b.iv",
        o.aupNote === undefined
          ? "The Acceptable Use Policy is incorporated by reference."
          : `The Acceptable Use Policy is incorporated by reference. ${o.aupNote}`,
      ),
      restrictionsFlowDown: fact(
        true,
        "§1.b.i, §1.b.iv",
        "Recipients of the Materials or derivatives get the Agreement, which incorporates the AUP.",
      ),
      threshold: fact("700 million monthly active users", "§2"),
      naming: fact(
        'Display "Built with Llama"; a distributed AI model created, trained or improved with the Materials ' +
          'or their outputs must have "Llama" at the beginning of its name',
        "§1.b.i",
      ),
      derivativesInherit: fact(true, "§1.b.i", "The Agreement must accompany any derivative works."),
      outputsForTraining: use(
        "conditional",
        "§1.b.i",
        'Outputs may train other AI models, but a distributed model so trained must carry "Llama" at the ' +
          "beginning of its name (and the Built with Llama display applies); Llama 2 and 3 forbade it.",
      ),
    },
    fingerprints: [
      `llama ${v} community license agreement`,
      o.dateLine.toLowerCase(),
      `llama ${v} is licensed under the llama ${v} community license`,
    ],
  };
}

/** The RAIL pattern (CreativeML, BigScience, OpenRAIL++, DeepSeek): cites differ, the obligations do not. */
function rail(c: {
  grant: string;
  notices: string;
  ownTerms: string;
  restrictions: string;
  flowDown: string;
  derivatives: string;
  outputs: string;
  trademarks: string;
  restrictionsNote: string;
}): ObligationFacts {
  return {
    commercialUse: use(
      "allowed",
      c.grant,
      "The grant has no commercial limit; the use-based restrictions still apply to commercial use.",
    ),
    attribution: fact(
      true,
      c.notices,
      "A copy of the License to recipients, notices on modified files, retained attribution notices.",
    ),
    shareAlike: fact(
      false,
      c.ownTerms,
      "Derivatives may carry other terms, provided they include the use-based restrictions.",
    ),
    useRestrictions: fact(true, c.restrictions, c.restrictionsNote),
    restrictionsFlowDown: fact(
      true,
      c.flowDown,
      "The use-based restrictions must be included as an enforceable provision in any agreement governing " +
        "use or distribution of the Model or its Derivatives, and users must be required to comply.",
    ),
    threshold: fact(null, `${c.grant} (no threshold clause)`),
    naming: fact(null, c.trademarks),
    derivativesInherit: fact(true, c.derivatives),
    outputsForTraining: use("conditional", c.outputs, RAIL_DERIVATIVE_NOTE),
  };
}

export const AI_MODEL_LICENSES: LicenseEntry[] = [
  {
    key: "llama2",
    name: "Llama 2 Community License Agreement",
    spdx: "LicenseRef-llama2",
    hubIds: ["llama2"],
    url: "https://ai.meta.com/llama/license/",
    family: "model-agreement",
    osiApproved: false,
    obligations: {
      commercialUse: use(
        "conditional",
        "§2",
        "Commercial use is granted unless the licensee and its affiliates had more than 700 million monthly " +
          "active users on the Llama 2 release date; then a separate license from Meta is needed.",
      ),
      attribution: fact(
        true,
        "§1.b.i, §1.b.iii",
        'A copy of the Agreement to third parties, and a "Notice" file: "Llama 2 is licensed under the LLAMA ' +
          '2 Community License, Copyright (c) Meta Platforms, Inc. All Rights Reserved."',
      ),
      shareAlike: fact(false, "§1.b.i, §5.b", "Derivatives are owned by their maker."),
      useRestrictions: fact(true, "§1.b.iv", "The Acceptable Use Policy is incorporated by reference."),
      restrictionsFlowDown: fact(
        true,
        "§1.b.i, §1.b.iv",
        "Third parties receiving the Materials or derivatives get the Agreement, which incorporates the AUP.",
      ),
      threshold: fact("700 million monthly active users", "§2"),
      naming: fact(null, "§1.b, §5.a", "No naming or branding duty; no trademark license."),
      derivativesInherit: fact(true, "§1.b.i", "The Agreement must accompany any derivative works."),
      outputsForTraining: use(
        "prohibited",
        "§1.b.v",
        "The Materials or any output may not be used to improve any other large language model (Llama 2 and " +
          "its derivatives excepted).",
      ),
    },
    fingerprints: [
      "llama 2 community license agreement",
      "llama 2 version release date: july 18, 2023",
      "llama 2 is licensed under the llama 2 community license",
      "excluding llama 2 or derivative works thereof",
    ],
  },
  {
    key: "llama3",
    name: "Meta Llama 3 Community License Agreement",
    spdx: "LicenseRef-llama3",
    hubIds: ["llama3"],
    url: "https://llama.meta.com/llama3/license/",
    family: "model-agreement",
    osiApproved: false,
    obligations: {
      commercialUse: use(
        "conditional",
        "§2",
        "Commercial use is granted unless the licensee and its affiliates had more than 700 million monthly " +
          "active users on the Meta Llama 3 release date; then a separate license from Meta is needed.",
      ),
      attribution: fact(
        true,
        "§1.b.i, §1.b.iii",
        'A copy of the Agreement with any distribution, and a "Notice" file: "Meta Llama 3 is licensed under ' +
          'the Meta Llama 3 Community License, Copyright © Meta Platforms, Inc. All Rights Reserved."',
      ),
      shareAlike: fact(false, "§1.b.i, §5.b", "Derivatives are owned by their maker."),
      useRestrictions: fact(true, "§1.b.iv", "The Acceptable Use Policy is incorporated by reference."),
      restrictionsFlowDown: fact(
        true,
        "§1.b.i, §1.b.iv",
        "Recipients of the Materials or derivatives get the Agreement, which incorporates the AUP.",
      ),
      threshold: fact("700 million monthly active users", "§2"),
      naming: fact(
        'Display "Built with Meta Llama 3"; a distributed AI model created, trained or improved with the ' +
          'Materials must have "Llama 3" at the beginning of its name',
        "§1.b.i",
      ),
      derivativesInherit: fact(true, "§1.b.i", "The Agreement must accompany any derivative works."),
      outputsForTraining: use(
        "prohibited",
        "§1.b.v",
        "The Materials or any output may not be used to improve any other large language model (Meta Llama 3 " +
          "and its derivatives excepted).",
      ),
    },
    fingerprints: [
      "meta llama 3 community license agreement",
      "meta llama 3 version release date: april 18, 2024",
      "meta llama 3 is licensed under the meta llama 3 community license",
      "built with meta llama 3",
    ],
  },
  llamaCommunity({
    key: "llama3.1",
    version: "3.1",
    dateLine: "Llama 3.1 Version Release Date: July 23, 2024",
    url: "https://github.com/meta-llama/llama-models/blob/main/models/llama3_1/LICENSE",
  }),
  llamaCommunity({
    key: "llama3.2",
    version: "3.2",
    dateLine: "Llama 3.2 Version Release Date: September 25, 2024",
    url: "https://github.com/meta-llama/llama-models/blob/main/models/llama3_2/LICENSE",
    aupNote: `Llama 3.2 Acceptable Use Policy (USE_POLICY.md): ${META_AUP_EU_CLAUSE}`,
  }),
  llamaCommunity({
    key: "llama3.3",
    version: "3.3",
    dateLine: "Llama 3.3 Version Release Date: December 6, 2024",
    url: "https://github.com/meta-llama/llama-models/blob/main/models/llama3_3/LICENSE",
    aupNote:
      "The Llama 3.3 AUP repeats the Llama 3.2 EU clause on multimodal models; Llama 3.3 itself is text-only.",
  }),
  llamaCommunity({
    key: "llama4",
    version: "4",
    dateLine: "Llama 4 Version Effective Date: April 5, 2025",
    url: "https://github.com/meta-llama/llama-models/blob/main/models/llama4/LICENSE",
    aupNote: `Llama 4 Acceptable Use Policy: ${META_AUP_EU_CLAUSE} Llama 4 models are multimodal.`,
  }),
  {
    key: "gemma",
    name: "Gemma Terms of Use",
    spdx: "LicenseRef-gemma",
    hubIds: ["gemma"],
    url: "https://ai.google.dev/gemma/terms",
    family: "model-agreement",
    osiApproved: false,
    obligations: {
      commercialUse: use(
        "allowed",
        "§2.2, §3.1",
        "No commercial limit or threshold; the Prohibited Use Policy applies to every use.",
      ),
      attribution: fact(
        true,
        "§3.1",
        'A copy of the Agreement to recipients, notices on modified files, and a "Notice" file: "Gemma is ' +
          'provided under and subject to the Gemma Terms of Use found at ai.google.dev/gemma/terms".',
      ),
      shareAlike: fact(
        false,
        "§3.1",
        "Modifications and Model Derivatives may carry additional or different terms that do not conflict.",
      ),
      useRestrictions: fact(
        true,
        "§3.2",
        "The Gemma Prohibited Use Policy (ai.google.dev/gemma/prohibited_use_policy) is incorporated by " +
          "reference; Google may restrict usage it believes violates the Agreement.",
      ),
      restrictionsFlowDown: fact(
        true,
        "§3.1",
        "The §3.2 use restrictions must be an enforceable provision in any agreement governing Gemma or Model " +
          "Derivatives, with notice to subsequent users.",
      ),
      threshold: fact(null, "§2.2 (no threshold clause)"),
      naming: fact(null, "§4.2", "No branding duty; no right to Google's marks."),
      derivativesInherit: fact(
        true,
        "§1.1(e), §3.1, §3.2",
        "Model Derivatives stay subject to the use restrictions and the Agreement copy duty.",
      ),
      outputsForTraining: use(
        "conditional",
        "§1.1(e), §3.3",
        "Google claims no rights in Outputs, but a model trained on Gemma's synthetic outputs (or distilled) " +
          "to perform similarly to Gemma is a Model Derivative, under these terms.",
      ),
    },
    fingerprints: [
      "gemma terms of use",
      "gemma prohibited use policy",
      "gemma is provided under and subject to the gemma terms of use",
    ],
  },
  {
    key: "creativeml-openrail-m",
    name: "CreativeML Open RAIL-M",
    spdx: "LicenseRef-creativeml-openrail-m",
    hubIds: ["creativeml-openrail-m"],
    url: "https://github.com/CompVis/stable-diffusion/blob/main/LICENSE",
    family: "responsible-ai",
    osiApproved: false,
    obligations: rail({
      grant: "§2, §3",
      notices: "§4 (second to fourth conditions)",
      ownTerms: "§4 (last paragraph)",
      restrictions: "§5, Attachment A",
      flowDown: "§4.a, §5",
      derivatives: "§1 (Derivatives of the Model), §4.a, §5",
      outputs: "§1 (Derivatives of the Model), §6",
      trademarks: "§8",
      restrictionsNote:
        "Attachment A: no unlawful use, harming minors, disinformation, harassment, fully automated " +
        "decisions with legal effect, discrimination, medical advice, law-enforcement prediction.",
    }),
    fingerprints: [
      "creativeml open rail-m",
      "creativeml open rail-m dated august 22, 2022",
      "we believe in the intersection between open and responsible ai development; thus, this license aims",
    ],
  },
  {
    key: "bigscience-openrail-m",
    name: "BigScience Open RAIL-M License",
    spdx: "LicenseRef-bigscience-openrail-m",
    hubIds: ["bigscience-openrail-m"],
    url: "https://www.licenses.ai/blog/2022/8/26/bigscience-open-rail-m-license",
    family: "responsible-ai",
    osiApproved: false,
    obligations: rail({
      grant: "§2, §3",
      notices: "§4(b)-(d)",
      ownTerms: "§4 (last paragraph)",
      restrictions: "§5, Attachment A",
      flowDown: "§4(a), §5",
      derivatives: "§1(e), §4(a), §5",
      outputs: "§1(e), §6",
      trademarks: "§8",
      restrictionsNote:
        "Attachment A (a)-(m), including disclosing machine-generated content and no impersonation (deepfakes).",
    }),
    fingerprints: [
      "bigscience open rail-m license",
      "dated august 18, 2022",
      "this open rail-m license was created by bigscience",
    ],
  },
  {
    key: "bigscience-bloom-rail-1.0",
    name: "BigScience RAIL License v1.0 (BLOOM)",
    spdx: "LicenseRef-bigscience-bloom-rail-1.0",
    hubIds: ["bigscience-bloom-rail-1.0"],
    url: "https://huggingface.co/spaces/bigscience/license",
    family: "responsible-ai",
    osiApproved: false,
    obligations: rail({
      grant: "§2, §3",
      notices: "§4.2-4.4",
      ownTerms: "§4 (last paragraph)",
      restrictions: "§5, Attachment A",
      flowDown: "§4.1, §5",
      derivatives: "§1.5, §4.1, §5",
      outputs: "§1.5, §6",
      trademarks: "§8",
      restrictionsNote:
        "Attachment A 1-13, including disclosing that text is machine generated and no impersonation.",
    }),
    fingerprints: [
      "bigscience rail license v1.0",
      "dated may 19, 2022",
      "this license governs the use of the bigscience bloom models",
    ],
  },
  {
    key: "openrail++",
    name: "CreativeML Open RAIL++-M License",
    spdx: "LicenseRef-openrail-plusplus-m",
    hubIds: ["openrail++"],
    url: "https://github.com/Stability-AI/generative-models/blob/main/model_licenses/LICENSE-SDXL1.0",
    family: "responsible-ai",
    osiApproved: false,
    obligations: rail({
      grant: "Section II (Grant of Copyright License, Grant of Patent License)",
      notices: "Section III (Distribution and Redistribution, second to fourth conditions)",
      ownTerms: "Section III (Distribution and Redistribution, last paragraph)",
      restrictions: "Section III (Use-based restrictions, paragraph 5), Attachment A",
      flowDown: "Section III (paragraph 4.a, paragraph 5)",
      derivatives: "Definitions (Derivatives of the Model), Section III (paragraph 4.a, paragraph 5)",
      outputs: "Definitions (Derivatives of the Model), Section III (The Output You Generate)",
      trademarks: "Section IV (Trademarks and related)",
      restrictionsNote:
        "Attachment A as in CreativeML Open RAIL-M. The SDXL text numbers no paragraphs but refers to them as " +
        "paragraph 4.a and 5; cites name the headings.",
    }),
    fingerprints: [
      "creativeml open rail++-m license",
      "this creativeml open rail++-m license governs the use of the model",
    ],
  },
  {
    key: "bigcode-openrail-m",
    name: "BigCode Open RAIL-M v1 License Agreement",
    spdx: "LicenseRef-bigcode-openrail-m",
    hubIds: ["bigcode-openrail-m"],
    url: "https://huggingface.co/spaces/bigcode/bigcode-model-license-agreement",
    family: "responsible-ai",
    osiApproved: false,
    obligations: {
      commercialUse: use(
        "allowed",
        "Section I (Preamble), Section II (Grant of Copyright license)",
        "Users may 'even share commercial versions of it'; Attachment A applies to every use.",
      ),
      attribution: fact(
        true,
        "§5.2",
        "A copy of the License Agreement, retained notices and Explanatory Documentation; Modifications need " +
          "documentation of the changes.",
      ),
      shareAlike: fact(
        false,
        "§5.1",
        "Any license that includes Paragraph 4 and Attachment A (or equivalents).",
      ),
      useRestrictions: fact(
        true,
        "§4, Attachment A",
        "Compliance with Attachment A is a condition of the grants (malware, unlawful use, impersonation, ...).",
      ),
      restrictionsFlowDown: fact(
        true,
        "§5.1",
        "Sharing the Model or Modifications requires a license that includes Paragraph 4 and Attachment A.",
      ),
      threshold: fact(null, "Section II (no threshold clause)"),
      naming: fact(null, "§9"),
      derivativesInherit: fact(true, "§1(i), §5.1"),
      outputsForTraining: use(
        "conditional",
        "§1(i), §6",
        "A model created or initialized by transfer of patterns of the Output is a Modification of the Model " +
          "and keeps Attachment A.",
      ),
    },
    fingerprints: [
      "bigcode open rail-m v1 license agreement",
      "created under bigcode, an open and collaborative research project",
      "compliance with the restrictions in attachment a is a condition to the grants",
    ],
  },
  {
    key: "tongyi-qianwen",
    name: "Tongyi Qianwen License Agreement",
    spdx: "LicenseRef-tongyi-qianwen",
    hubIds: ["tongyi-qianwen"],
    url: "https://github.com/QwenLM/Qwen/blob/main/Tongyi%20Qianwen%20LICENSE%20AGREEMENT",
    family: "model-agreement",
    osiApproved: false,
    obligations: {
      commercialUse: use(
        "conditional",
        "§4",
        "Commercial use of a product or service with more than 100 million monthly active users needs a " +
          "license from Alibaba Cloud.",
      ),
      attribution: fact(
        true,
        "§3(a)-(c)",
        'A copy of the Agreement, notices on changed files, and a "Notice" file: "Tongyi Qianwen is licensed ' +
          'under the Tongyi Qianwen LICENSE AGREEMENT, Copyright (c) Alibaba Cloud. All Rights Reserved."',
      ),
      shareAlike: fact(false, "§3(d)"),
      useRestrictions: fact(
        false,
        "§5(a)",
        "Only export-control and applicable-law compliance; there is no acceptable use policy.",
      ),
      restrictionsFlowDown: fact(
        false,
        "§3(a)",
        "No use-restriction list to pass on beyond the Agreement copy.",
      ),
      threshold: fact("100 million monthly active users", "§4"),
      naming: fact(null, "§6(b)"),
      derivativesInherit: fact(true, "§3(a), §3(d)", "The Agreement copy goes with derivative works."),
      outputsForTraining: use(
        "prohibited",
        "§5(b)",
        "The Materials or any output may not improve any other large language model (Tongyi Qianwen and its " +
          "derivatives excepted).",
      ),
    },
    fingerprints: [
      "tongyi qianwen license agreement",
      "tongyi qianwen is licensed under the tongyi qianwen license agreement",
    ],
  },
  {
    key: "tongyi-qianwen-research",
    name: "Tongyi Qianwen Research License Agreement",
    spdx: "LicenseRef-tongyi-qianwen-research",
    hubIds: ["tongyi-qianwen-research"],
    url: "https://github.com/QwenLM/Qwen/blob/main/Tongyi%20Qianwen%20RESEARCH%20LICENSE%20AGREEMENT",
    family: "model-agreement",
    osiApproved: false,
    obligations: {
      commercialUse: use(
        "prohibited",
        "§1(i), §2(a), §2(b)",
        "Non-commercial (research or evaluation) purposes only; commercial use needs a license from Alibaba Cloud.",
      ),
      attribution: fact(
        true,
        "§3(a)-(c)",
        'A copy of the Agreement, notices on changed files, and a "Notice" file naming the Tongyi Qianwen ' +
          "RESEARCH LICENSE AGREEMENT.",
      ),
      shareAlike: fact(false, "§3(d)"),
      useRestrictions: fact(false, "§4(a)", "Only export-control and applicable-law compliance."),
      restrictionsFlowDown: fact(
        false,
        "§3(a)",
        "No use-restriction list to pass on beyond the Agreement copy.",
      ),
      threshold: fact(null, "§2 (no threshold clause)"),
      naming: fact(null, "§5(b)"),
      derivativesInherit: fact(true, "§2(a), §3(a)", "Derivative works stay non-commercial."),
      outputsForTraining: use(
        "prohibited",
        "§4(b)",
        "The Materials or any output may not improve any other large language model.",
      ),
    },
    fingerprints: [
      "tongyi qianwen research license agreement",
      "tongyi qianwen is licensed under the tongyi qianwen research license agreement",
    ],
  },
  {
    key: "qwen",
    name: "Qwen License Agreement",
    spdx: "LicenseRef-qwen",
    hubIds: ["qwen"],
    url: "https://huggingface.co/Qwen/Qwen2.5-72B-Instruct/blob/main/LICENSE",
    family: "model-agreement",
    osiApproved: false,
    obligations: {
      commercialUse: use(
        "conditional",
        "§4",
        "Used by Qwen2.5-72B and other large Qwen 2.5 checkpoints (most other Qwen 2.5 sizes are Apache-2.0): " +
          "commercial use of a product or service with more than 100 million monthly active users needs a " +
          "license from Alibaba Cloud.",
      ),
      attribution: fact(
        true,
        "§3(a)-(c)",
        'A copy of the Agreement and a "Notice" file: "Qwen is licensed under the Qwen LICENSE AGREEMENT, ' +
          'Copyright (c) Alibaba Cloud. All Rights Reserved."',
      ),
      shareAlike: fact(false, "§3(d)", "Read by analogy with the Tongyi Qianwen text; §3(d) not verified."),
      useRestrictions: fact(false, "§5(a)", "Only export-control and applicable-law compliance."),
      restrictionsFlowDown: fact(
        false,
        "§3(a)",
        "No use-restriction list to pass on beyond the Agreement copy.",
      ),
      threshold: fact("100 million monthly active users", "§4"),
      naming: fact(
        'Display "Built with Qwen" or "Improved using Qwen" in the product documentation of a distributed AI ' +
          "model created, trained or improved with the Materials or their outputs",
        "§5(b)",
      ),
      derivativesInherit: fact(true, "§3(a)", "The Agreement copy goes with derivative works."),
      outputsForTraining: use(
        "conditional",
        "§5(b)",
        'Allowed, with the "Built with Qwen" / "Improved using Qwen" display on the resulting model.',
      ),
    },
    fingerprints: [
      "qwen license agreement release date",
      "qwen is licensed under the qwen license agreement",
      "improved using qwen",
    ],
  },
  {
    key: "qwen-research",
    name: "Qwen Research License Agreement",
    spdx: "LicenseRef-qwen-research",
    hubIds: ["qwen-research"],
    url: "https://huggingface.co/Qwen/Qwen2.5-3B-Instruct/blob/main/LICENSE",
    family: "model-agreement",
    osiApproved: false,
    obligations: {
      commercialUse: use(
        "prohibited",
        "§1 (Non-Commercial), §2",
        "Used by Qwen2.5-3B and Qwen2.5-Coder-3B: the grant is for non-commercial (research or evaluation) " +
          "purposes only.",
      ),
      attribution: fact(
        true,
        "§3",
        'A "Notice" file: "Qwen is licensed under the Qwen RESEARCH LICENSE AGREEMENT, Copyright (c) Alibaba ' +
          'Cloud. ..." (clause lettering not verified).',
      ),
      shareAlike: fact(false, "§3", "Read by analogy with the Tongyi Qianwen research text; not verified."),
      useRestrictions: fact(
        false,
        "§4",
        "Export-control and law compliance as in the other Qwen texts; not verified.",
      ),
      restrictionsFlowDown: fact(
        false,
        "§3",
        "No use-restriction list to pass on beyond the Agreement copy.",
      ),
      threshold: fact(null, "§2 (no threshold clause)"),
      naming: fact(
        'Display "Built with Qwen" or "Improved using Qwen" on a distributed AI model trained with the Materials ' +
          "or their outputs",
        "rules of use (section not verified)",
        "Reported for the 2024 research text by secondary sources; recorded as a duty because that is the " +
          "more restrictive reading.",
      ),
      derivativesInherit: fact(true, "§2, §3", "Derivative works stay non-commercial."),
      outputsForTraining: use(
        "conditional",
        "rules of use (section not verified)",
        "Within non-commercial purposes only, with the Built with Qwen display; the exact clause was not read.",
      ),
    },
    fingerprints: [
      "qwen research license agreement release date",
      "qwen is licensed under the qwen research license agreement",
    ],
  },
  {
    key: "deepseek",
    name: "DeepSeek License Agreement v1.0",
    spdx: "LicenseRef-deepseek",
    hubIds: ["deepseek", "deepseek-license"],
    url: "https://github.com/deepseek-ai/DeepSeek-V3/blob/main/LICENSE-MODEL",
    family: "responsible-ai",
    osiApproved: false,
    obligations: rail({
      grant: "§2, §3",
      notices: "§4(b)-(d)",
      ownTerms: "§4(e)",
      restrictions: "§5, Attachment A",
      flowDown: "§4(a), §5",
      derivatives: "§1 (Derivatives of the Model), §4(a), §5",
      outputs: "§1 (Derivatives of the Model), §6",
      trademarks: "§8",
      restrictionsNote:
        "Attachment A includes 'For military use in any way' and content subject to applicable regulatory " +
        "requirements; governed by PRC law (§14). Later DeepSeek checkpoints (R1, V3-0324) are MIT instead.",
    }),
    fingerprints: [
      "deepseek license agreement",
      "you and deepseek agree as follows",
      "hangzhou deepseek artificial intelligence fundamental technology research co., ltd.",
    ],
  },
  {
    key: "stabilityai-community",
    name: "Stability AI Community License Agreement",
    spdx: "LicenseRef-stabilityai-community",
    hubIds: ["stabilityai-ai-community"],
    url: "https://stability.ai/community-license-agreement",
    family: "model-agreement",
    osiApproved: false,
    obligations: {
      commercialUse: use(
        "conditional",
        "§III",
        "Free for Research, Non-Commercial and Commercial Purposes while the licensee and its affiliates make " +
          "less than USD 1,000,000 annual revenue; commercial users must register. Above that every license " +
          "terminates and an enterprise license is needed.",
      ),
      attribution: fact(
        true,
        "§IV(a)(i)-(ii)",
        'A copy of the Agreement and a "Notice" file: "This Stability AI Model is licensed under the Stability ' +
          'AI Community License, Copyright © Stability AI Ltd. All Rights Reserved"; changes must be stated.',
      ),
      shareAlike: fact(false, "§IV(c)(ii)", "The licensee owns its Derivative Works."),
      useRestrictions: fact(
        true,
        "§IV(b)",
        "Stability AI's Acceptable Use Policy is incorporated by reference.",
      ),
      restrictionsFlowDown: fact(
        true,
        "§IV(a)(i), §IV(b)",
        "Recipients get a copy of the Agreement, which incorporates the AUP; the text has no separate " +
          "enforceable-provision clause.",
      ),
      threshold: fact("USD 1,000,000 annual revenue (licensee and affiliates)", "§III"),
      naming: fact('Display "Powered by Stability AI"', "§IV(a)(iii)"),
      derivativesInherit: fact(
        true,
        "§V (Derivative Work(s)), §IV(a)",
        "Derivative Works include fine-tunes, LoRAs and any model derived from a Model or its output.",
      ),
      outputsForTraining: use(
        "prohibited",
        "§IV(b)",
        "Outputs may not be used to create or improve any foundational generative AI model other than the " +
          "Models or their Derivative Works (which stay under this Agreement).",
      ),
    },
    fingerprints: [
      "stability ai community license agreement",
      "this stability ai model is licensed under the stability ai community license",
      "powered by stability ai",
    ],
  },
  {
    key: "flux-1-dev-non-commercial",
    name: "FLUX.1 [dev] Non-Commercial License",
    spdx: "LicenseRef-flux-1-dev-non-commercial",
    hubIds: ["flux-1-dev-non-commercial-license"],
    url: "https://github.com/black-forest-labs/flux/blob/main/model_licenses/LICENSE-FLUX1-dev",
    family: "model-agreement",
    osiApproved: false,
    obligations: {
      commercialUse: use(
        "prohibited",
        "§2(a), §2(b), §4(a)(i)",
        "Non-Commercial Purposes only (§1(c)); commercial use needs a license from Black Forest Labs.",
      ),
      attribution: fact(
        true,
        "§3(a)-(c)",
        "A copy of the License, the Attribution Notice text, and a statement that Derivatives were modified.",
      ),
      shareAlike: fact(
        false,
        "§3(d)",
        "Own terms for Derivatives may not limit or conflict with this License.",
      ),
      useRestrictions: fact(
        true,
        "§4(a)",
        "No military, surveillance or biometric processing use, besides the non-commercial limit.",
      ),
      restrictionsFlowDown: fact(
        true,
        "§2(a), §3(a)",
        "Restrictions apply to any Derivative; recipients are licensed directly by Black Forest Labs under " +
          "this License.",
      ),
      threshold: fact(null, "§2 (no threshold clause)"),
      naming: fact(null, "§3(b), §10", "Only the Attribution Notice text; no trademark license."),
      derivativesInherit: fact(true, "§2(a), §3(a)"),
      outputsForTraining: use(
        "conditional",
        "§2(d), §1(c)",
        "Outputs may be used for any purpose, commercial included, but not to train, fine-tune or distill a " +
          "model competitive with FLUX.1 [dev]; training other models for commercial use with the model itself " +
          "is not a Non-Commercial Purpose.",
      ),
    },
    fingerprints: [
      // Cut before the "[dev]" tag: brackets are markup to some renderers.
      "is licensed by black forest labs. inc. under the flux.1",
      "make available the weights, parameters and inference code for the flux.1",
      "distill a model that is competitive with the flux.1",
    ],
  },
  {
    key: "mistral-research",
    name: "Mistral AI Research License (MRL-0.1)",
    spdx: "LicenseRef-mistral-research",
    hubIds: ["mrl"],
    url: "https://mistral.ai/licenses/MRL-0.1.md",
    family: "model-agreement",
    osiApproved: false,
    obligations: {
      commercialUse: use(
        "prohibited",
        "§3.2, §9 (Research Purposes)",
        "Research Purposes only: no use in companies' daily tasks or revenue-oriented tests, no distribution " +
          "by a commercial entity.",
      ),
      attribution: fact(
        true,
        "§2.2, §2.3",
        'A copy of the Agreement, a "Notice" file: "Licensed by Mistral AI under the Mistral AI Research ' +
          'License", and notices that Derivatives were modified.',
      ),
      shareAlike: fact(false, "§2.3", "Own Derivatives may carry different terms, within the §3 limits."),
      useRestrictions: fact(false, "§3", "Only the research-purposes limit and misrepresentation."),
      restrictionsFlowDown: fact(
        false,
        "§2.2",
        "No use-restriction list beyond the research-purposes limit.",
      ),
      threshold: fact(null, "§2.1 (no threshold clause)"),
      naming: fact(null, "§3.1, §4.1"),
      derivativesInherit: fact(true, "§4.3", "Derivatives are subject to the §3 limitations."),
      outputsForTraining: use(
        "conditional",
        "§4.2, §3.2",
        "Outputs are subject to the §3 limitations: usable for Research Purposes only.",
      ),
    },
    fingerprints: [
      "mistral ai research license",
      "licensed by mistral ai under the mistral ai research license",
    ],
  },
  {
    key: "mistral-non-production",
    name: "Mistral AI Non-Production License (MNPL-0.1)",
    spdx: "LicenseRef-mistral-non-production",
    hubIds: ["mnpl"],
    url: "https://mistral.ai/licenses/MNPL-0.1.md",
    family: "model-agreement",
    osiApproved: false,
    obligations: {
      commercialUse: use(
        "prohibited",
        "§3.2",
        "Testing, research, Personal or evaluation purposes in Non-Production Environments only; no supply " +
          "in the course of a commercial activity, paid or free, hosted or behind a software layer.",
      ),
      attribution: fact(
        true,
        "§2.2",
        "Not verified: the full MNPL text was not read; recorded as in the MRL it follows (Agreement copy and " +
          "Notice file).",
      ),
      shareAlike: fact(false, "§2.3", "Not verified; as in the MRL."),
      useRestrictions: fact(false, "§3", "Only the non-production limit, as far as read."),
      restrictionsFlowDown: fact(false, "§3", "No use-restriction list beyond the non-production limit."),
      threshold: fact(null, "§3.2 (no threshold clause)"),
      naming: fact(null, "§4.1", "Not verified; as in the MRL."),
      derivativesInherit: fact(
        true,
        "§3.2",
        "The limit covers the Mistral Models and Derivatives, whether or not created by Mistral AI.",
      ),
      outputsForTraining: use(
        "conditional",
        "§3.2",
        "The outputs clause was not read; treated as limited to the non-production purposes of §3.2.",
      ),
    },
    fingerprints: ["mistral ai non-production license", "evaluation purposes in non-production environments"],
  },
  {
    key: "apple-ascl",
    name: "Apple Sample Code License",
    spdx: "AML",
    hubIds: ["apple-ascl"],
    url: "https://developer.apple.com/support/downloads/terms/apple-sample-code/Apple-Sample-Code-License.pdf",
    family: "permissive",
    osiApproved: false,
    obligations: {
      commercialUse: use("allowed", "grant paragraph"),
      attribution: fact(
        true,
        "grant paragraph",
        "The notice and disclaimers must be kept when the Apple Software is redistributed whole and unmodified.",
      ),
      shareAlike: fact(false, "grant paragraph"),
      useRestrictions: fact(false, "grant paragraph (no field-of-use restriction)"),
      restrictionsFlowDown: fact(false, "no such clause (no use restrictions to pass on)"),
      threshold: fact(null, "no such clause"),
      naming: fact(null, "grant paragraph", "Apple's name and marks may not endorse derived products."),
      derivativesInherit: fact(false, "grant paragraph"),
      outputsForTraining: use("allowed", "grant paragraph (no condition on use)"),
    },
    fingerprints: [
      "this apple software is supplied to you by apple",
      "copyrights in this original apple software",
      "regarding the apple software or its use and operation alone",
    ],
  },
  {
    key: "apple-amlr",
    name: "Apple Machine Learning Research Model License Agreement",
    spdx: "LicenseRef-apple-amlr",
    hubIds: ["apple-amlr"],
    url: "https://huggingface.co/apple/DFN5B-CLIP-ViT-H-14-378/blob/main/LICENSE",
    family: "model-agreement",
    osiApproved: false,
    obligations: {
      commercialUse: use(
        "prohibited",
        "License Scope",
        "Research Purposes only: no commercial exploitation, product development or use in a commercial " +
          "product or service.",
      ),
      attribution: fact(
        true,
        "Distribution of Apple Machine Learning Research Model and Model Derivatives",
        'A copy of the Agreement and the notice "Apple Machine Learning Research Model is licensed under the ' +
          'Apple Machine Learning Research Model License Agreement."; Model Derivatives identified as such.',
      ),
      shareAlike: fact(false, "Distribution of Apple Machine Learning Research Model and Model Derivatives"),
      useRestrictions: fact(false, "License Scope", "Only the research-purposes limit and law compliance."),
      restrictionsFlowDown: fact(false, "License Scope", "No use-restriction list beyond research purposes."),
      threshold: fact(null, "License Scope (no threshold clause)"),
      naming: fact(
        null,
        "Distribution of Apple Machine Learning Research Model and Model Derivatives",
        "Apple's name and marks may not promote Model Derivatives.",
      ),
      derivativesInherit: fact(true, "License Scope", "Model Derivatives are limited to Research Purposes."),
      outputsForTraining: use(
        "conditional",
        "License Scope",
        "The text does not address outputs; producing them is use of the model, which is limited to " +
          "Research Purposes.",
      ),
    },
    fingerprints: [
      "apple machine learning research model",
      "licensed under the apple machine learning research model license agreement",
      "exclusively for research purposes",
    ],
  },
  {
    key: "opt-175b",
    name: "OPT-175B License Agreement",
    spdx: "LicenseRef-opt-175b",
    hubIds: [],
    url: "https://github.com/facebookresearch/metaseq/blob/main/projects/OPT/MODEL_LICENSE.md",
    family: "model-agreement",
    osiApproved: false,
    obligations: {
      commercialUse: use("prohibited", "§1(a), §2(a)(i)", "Non-commercial research purposes only."),
      attribution: fact(
        true,
        "§3",
        'A copy of the License and the notice "OPT-175B is licensed under the OPT-175B license, Copyright (c) ' +
          'Meta Platforms, Inc. All Rights Reserved."',
      ),
      shareAlike: fact(
        false,
        "§2(d), §3",
        "Derivatives travel with the License; no relicensing rule beyond it.",
      ),
      useRestrictions: fact(
        true,
        "§2(a)",
        "No military or nuclear, surveillance or biometric processing use, besides the non-commercial limit.",
      ),
      restrictionsFlowDown: fact(
        true,
        "§2(d), §3",
        "The License goes with every copy and derivative work; no terms inconsistent with it may be imposed.",
      ),
      threshold: fact(null, "§1 (no threshold clause)"),
      naming: fact(null, "§9"),
      derivativesInherit: fact(true, "§1(a), §3"),
      outputsForTraining: use(
        "conditional",
        "§2(a)",
        "Data produced by the Software falls under the same restrictions: non-commercial research only.",
      ),
    },
    fingerprints: [
      "opt-175b license agreement",
      "opt-175b is licensed under the opt-175b license",
      "military purposes or in the service of nuclear technology",
    ],
  },
  {
    key: "openmdw-1.0",
    name: "OpenMDW License Agreement v1.0",
    spdx: "OpenMDW-1.0",
    hubIds: ["openmdw-1.0"],
    url: "https://openmdw.ai/license/",
    family: "permissive",
    osiApproved: false,
    obligations: {
      commercialUse: use(
        "allowed",
        "grant paragraph",
        "Permission to deal in the Model Materials (models, data, documentation, software) without restriction.",
      ),
      attribution: fact(
        true,
        "distribution paragraph",
        "A copy of the agreement and the applicable copyright and origin notices.",
      ),
      shareAlike: fact(false, "distribution paragraph"),
      useRestrictions: fact(false, "grant paragraph (no field-of-use restriction)"),
      restrictionsFlowDown: fact(false, "no such clause (no use restrictions to pass on)"),
      threshold: fact(null, "no such clause"),
      naming: fact(null, "no such clause"),
      derivativesInherit: fact(
        false,
        "distribution paragraph",
        "Only the notice duty follows the materials.",
      ),
      outputsForTraining: use(
        "allowed",
        "outputs paragraph",
        "The agreement imposes no restrictions or obligations on outputs.",
      ),
    },
    fingerprints: [
      "openmdw license agreement",
      "means the materials provided to you under this agreement, consisting of",
      "does not impose any restrictions or obligations with respect to any use, modification, or sharing of any outputs",
    ],
  },
];
