import type { Fact, LicenseEntry, ObligationFacts } from "../types.js";
import { fact, use } from "./fact.js";

/*
 * Open-source and Creative Commons licenses. Every fact cites the section of the license text it comes from
 * (section numbers as in the SPDX texts of `spdx-license-list`); `note` marks where a judgement is involved.
 * Fingerprints are normalized phrases (see normalize.ts) of each license's full text; the matching rule is in
 * fingerprints.ts and docs/licenses.md.
 */

const NO_THRESHOLD = fact(null, "no such clause");

const WEIGHTS_COPYLEFT =
  "Whether trained weights are a work based on copyleft code or data (and a fine-tune a modification of them) " +
  "is legally unsettled; modelgate treats derivatives as inheriting the terms.";

const OUTPUTS_UNRESTRICTED =
  "The license places no condition on use or on outputs; training other models on outputs is allowed as far " +
  "as this license is concerned.";

const NONCOMMERCIAL_OUTPUTS =
  "The license is silent on outputs, but generating them exercises the licensed rights, which are limited " +
  "to NonCommercial purposes; outputs used to train a model for commercial purposes are a judgement call.";

/** Obligations shared by the permissive licenses: the fields that differ are passed in. */
function permissive(cites: {
  grant: string;
  attribution: Fact<boolean>;
  naming?: Fact<null>;
  derivatives: string;
}): ObligationFacts {
  return {
    commercialUse: use("allowed", cites.grant),
    attribution: cites.attribution,
    shareAlike: fact(false, cites.derivatives, "Modified versions may be released under other terms."),
    useRestrictions: fact(false, `${cites.grant}; no field-of-use restriction`),
    restrictionsFlowDown: fact(false, "no such clause (no use restrictions to pass on)"),
    threshold: NO_THRESHOLD,
    naming: cites.naming ?? fact(null, "no such clause"),
    derivativesInherit: fact(false, cites.derivatives, "Only the notice duty follows the code or weights."),
    outputsForTraining: use("allowed", `${cites.grant}; no condition on use`, OUTPUTS_UNRESTRICTED),
  };
}

/** Obligations shared by the GNU copyleft licenses. */
function gnuCopyleft(cites: {
  commercial: string;
  attribution: string;
  shareAlike: string;
  shareAlikeNote?: string;
  noFurtherRestrictions: string;
  outputs: string;
  trademarks: string;
}): ObligationFacts {
  return {
    commercialUse: use(
      "allowed",
      cites.commercial,
      "Commercial use and sale are allowed; distribution carries the source-code duties.",
    ),
    attribution: fact(true, cites.attribution),
    shareAlike: fact(true, cites.shareAlike, cites.shareAlikeNote ?? WEIGHTS_COPYLEFT),
    useRestrictions: fact(false, cites.noFurtherRestrictions),
    restrictionsFlowDown: fact(
      false,
      cites.noFurtherRestrictions,
      "No use restrictions exist, and none may be added downstream.",
    ),
    threshold: NO_THRESHOLD,
    naming: fact(null, cites.trademarks),
    derivativesInherit: fact(true, cites.shareAlike, WEIGHTS_COPYLEFT),
    outputsForTraining: use(
      "allowed",
      cites.outputs,
      "Output is covered only when its content is itself a covered work.",
    ),
  };
}

interface CreativeCommonsTerms {
  /** Section defining NonCommercial / restricting to it, when the license has the NC element. */
  nonCommercial?: string;
  /** Section imposing ShareAlike, when the license has the SA element. */
  shareAlike?: string;
  /** Section denying the right to share adaptations, when the license has the ND element. */
  noDerivatives?: string;
  /** The grant section (rights to reproduce, share, adapt). */
  grant: string;
  attribution: string;
  /** Where adaptations are allowed under other terms (BY only). */
  adapterTerms: string;
  /** Section that stops licensees from restricting recipients' rights. */
  noDownstreamRestrictions: string;
}

function creativeCommons(t: CreativeCommonsTerms): ObligationFacts {
  const commercialUse = t.nonCommercial
    ? use(
        "prohibited",
        t.nonCommercial,
        "Only uses not primarily intended for or directed towards commercial advantage or monetary " +
          "compensation; internal use by a company can still be commercial.",
      )
    : use("allowed", t.grant);
  let shareAlike: Fact<boolean>;
  let derivativesInherit: Fact<boolean>;
  if (t.shareAlike) {
    shareAlike = fact(
      true,
      t.shareAlike,
      "Shared adaptations must carry the same license (or a compatible one). Whether weights trained on " +
        "ShareAlike data are an adaptation of it is unsettled.",
    );
    derivativesInherit = fact(true, t.shareAlike, WEIGHTS_COPYLEFT);
  } else if (t.noDerivatives) {
    shareAlike = fact(
      false,
      t.noDerivatives,
      "Adaptations may not be shared at all, so there is nothing to share alike.",
    );
    derivativesInherit = fact(
      true,
      t.noDerivatives,
      "Adaptations (e.g. a fine-tune) may not be shared under any license; a shared derivative is a conflict.",
    );
  } else if (t.nonCommercial) {
    shareAlike = fact(false, t.adapterTerms);
    derivativesInherit = fact(
      true,
      `${t.adapterTerms}; ${t.nonCommercial}`,
      "The adapter may choose the license of its own contribution, but the NonCommercial limit still binds " +
        "the licensed material inside the derivative (judgement).",
    );
  } else {
    shareAlike = fact(false, t.adapterTerms);
    derivativesInherit = fact(
      false,
      t.adapterTerms,
      "Adaptations may carry other terms that do not stop recipients complying with this license; the credit " +
        "to the original still applies.",
    );
  }
  return {
    commercialUse,
    attribution: fact(true, t.attribution),
    shareAlike,
    useRestrictions: fact(
      false,
      t.grant,
      t.nonCommercial
        ? "The NonCommercial limit is reported as commercialUse, not as a use restriction."
        : undefined,
    ),
    restrictionsFlowDown: fact(
      false,
      t.noDownstreamRestrictions,
      "There are no use restrictions to pass on; licensees may not add restrictions for recipients.",
    ),
    threshold: NO_THRESHOLD,
    naming: fact(null, "no such clause (credit is attribution, not branding)"),
    derivativesInherit,
    outputsForTraining: t.nonCommercial
      ? use("conditional", t.nonCommercial, NONCOMMERCIAL_OUTPUTS)
      : use("allowed", `${t.grant}; no condition on use`, OUTPUTS_UNRESTRICTED),
  };
}

/** CC 4.0 International: the sections are the same across the six licenses except the definition letters. */
function cc4(elements: { nc?: string; sa?: boolean; nd?: boolean }): ObligationFacts {
  return creativeCommons({
    nonCommercial: elements.nc ? `§1(${elements.nc}) NonCommercial; §2(a)(1)` : undefined,
    shareAlike: elements.sa ? "§3(b)" : undefined,
    noDerivatives: elements.nd ? "§2(a)(1)(B)" : undefined,
    grant: "§2(a)(1)",
    attribution: "§3(a)(1)-(2)",
    adapterTerms: "§1(b) Adapter's License; §3(a)(4)",
    noDownstreamRestrictions: "§2(a)(5)(B)",
  });
}

/** CC 2.0, 2.5 and 3.0: section 4's letters shift with the license elements. */
function ccLegacy(t: {
  version: "2.0" | "2.5" | "3.0";
  nc?: string;
  sa?: string;
  nd?: boolean;
  attribution: string;
}): ObligationFacts {
  const adaptations = t.version === "3.0" ? "Adaptations" : "Derivative Works";
  return creativeCommons({
    nonCommercial: t.nc,
    shareAlike: t.sa,
    noDerivatives: t.nd ? `§3 (no rights to make ${adaptations})` : undefined,
    grant: "§3",
    attribution: t.attribution,
    adapterTerms: `§3(b) (${adaptations} without a licensing condition)`,
    noDownstreamRestrictions: "§4(a)",
  });
}

/** §3(a)(1) as worded where adaptations may be shared, and where they may not (ND). */
const CC_BY_FINGERPRINT = "if you share the licensed material (including in modified form), you must";
const CC_ND_FINGERPRINT = "if you share the licensed material, you must";

export const OPEN_SOURCE_LICENSES: LicenseEntry[] = [
  {
    key: "apache-2.0",
    name: "Apache License 2.0",
    spdx: "Apache-2.0",
    hubIds: ["apache-2.0"],
    url: "https://www.apache.org/licenses/LICENSE-2.0",
    family: "permissive",
    osiApproved: true,
    obligations: permissive({
      grant: "§2",
      attribution: fact(
        true,
        "§4(a)-(d)",
        "Give recipients a copy of the license, mark changed files, keep notices, and pass on the NOTICE file.",
      ),
      naming: fact(null, "§6 (no naming duty; no trademark rights granted)"),
      derivatives: "§4 (own license terms for modifications allowed)",
    }),
    fingerprints: [
      "apache license version 2.0, january 2004",
      "grant of patent license. subject to the terms and conditions of this license",
      "you must cause any modified files to carry prominent notices stating that you changed the files",
      "you must give any other recipients of the work or derivative works a copy of this license",
    ],
  },
  {
    key: "mit",
    name: "MIT License",
    spdx: "MIT",
    hubIds: ["mit"],
    url: "https://opensource.org/license/mit/",
    family: "permissive",
    osiApproved: true,
    obligations: permissive({
      grant: "grant paragraph (Permission is hereby granted)",
      attribution: fact(true, "condition paragraph (notices included in all copies or substantial portions)"),
      derivatives: "grant paragraph (right to modify, merge, sublicense)",
    }),
    fingerprints: [
      "permission is hereby granted, free of charge, to any person obtaining a copy of this software",
      "the above copyright notice and this permission notice shall be included in all copies or substantial portions of the software",
      "in no event shall the authors or copyright holders be liable for any claim",
    ],
  },
  {
    key: "bsd-2-clause",
    name: 'BSD 2-Clause "Simplified" License',
    spdx: "BSD-2-Clause",
    hubIds: ["bsd-2-clause"],
    url: "https://opensource.org/licenses/BSD-2-Clause",
    family: "permissive",
    osiApproved: true,
    obligations: permissive({
      grant: "preamble (redistribution and use permitted)",
      attribution: fact(true, "clauses 1-2 (retain notice in source; reproduce it in binary documentation)"),
      derivatives: "preamble (with or without modification)",
    }),
    fingerprints: [
      "redistribution and use in source and binary forms, with or without modification, are permitted provided that the following conditions are met",
      "redistributions in binary form must reproduce the above copyright notice",
      "provided with the distribution. this software is provided by the copyright holders and contributors",
    ],
  },
  {
    key: "bsd-3-clause",
    name: 'BSD 3-Clause "New" or "Revised" License',
    spdx: "BSD-3-Clause",
    hubIds: ["bsd-3-clause"],
    url: "https://opensource.org/licenses/BSD-3-Clause",
    family: "permissive",
    osiApproved: true,
    obligations: permissive({
      grant: "preamble (redistribution and use permitted)",
      attribution: fact(true, "clauses 1-2 (retain notice in source; reproduce it in binary documentation)"),
      naming: fact(null, "clause 3 (no endorsement by contributors' names; no naming duty)"),
      derivatives: "preamble (with or without modification)",
    }),
    fingerprints: [
      "redistribution and use in source and binary forms, with or without modification, are permitted provided that the following conditions are met",
      "redistributions in binary form must reproduce the above copyright notice",
      "may be used to endorse or promote products derived from this software without specific prior written permission",
    ],
  },
  {
    key: "isc",
    name: "ISC License",
    spdx: "ISC",
    hubIds: ["isc"],
    url: "https://www.isc.org/licenses/",
    family: "permissive",
    osiApproved: true,
    obligations: permissive({
      grant: "¶1 (grant, for any purpose)",
      attribution: fact(true, "¶1 (copyright and permission notice in all copies)"),
      derivatives: "¶1 (right to modify)",
    }),
    fingerprints: [
      "permission to use, copy, modify, and/or distribute this software for any purpose with or without fee is hereby granted",
      "provided that the above copyright notice and this permission notice appear in all copies",
      "disclaims all warranties with regard to this software including all implied warranties of merchantability and fitness",
    ],
  },
  {
    key: "bsl-1.0",
    name: "Boost Software License 1.0",
    spdx: "BSL-1.0",
    hubIds: ["bsl-1.0"],
    url: "http://www.boost.org/LICENSE_1_0.txt",
    family: "permissive",
    osiApproved: true,
    obligations: permissive({
      grant: "¶1 (grant)",
      attribution: fact(
        true,
        "¶2 (notices in all copies and derivative works)",
        "Not required for copies solely in machine-executable object code form.",
      ),
      derivatives: "¶1 (right to prepare derivative works)",
    }),
    fingerprints: [
      "permission is hereby granted, free of charge, to any person or organization obtaining a copy of the software and accompanying documentation covered by this license",
      "the copyright notices in the software and this entire statement, including the above license grant, this restriction and the following disclaimer",
      "unless such copies or derivative works are solely in the form of machine-executable object code generated by a source language processor",
    ],
  },
  {
    key: "unlicense",
    name: "The Unlicense",
    spdx: "Unlicense",
    hubIds: ["unlicense"],
    url: "https://unlicense.org/",
    family: "public-domain",
    osiApproved: true,
    obligations: permissive({
      grant: "¶2 (for any purpose, commercial or non-commercial)",
      attribution: fact(false, "no such clause; ¶3 dedication to the public domain"),
      derivatives: "¶2 (anyone is free to modify)",
    }),
    fingerprints: [
      "this is free and unencumbered software released into the public domain",
      "the author or authors of this software dedicate any and all copyright interest in the software to the public domain",
      "we intend this dedication to be an overt act of relinquishment in perpetuity of all present and future rights to this software under copyright law",
    ],
  },
  {
    key: "gpl-2.0",
    name: "GNU General Public License v2.0",
    spdx: "GPL-2.0-only",
    hubIds: ["gpl-2.0"],
    url: "https://www.gnu.org/licenses/old-licenses/gpl-2.0-standalone.html",
    family: "copyleft",
    osiApproved: true,
    obligations: gnuCopyleft({
      commercial: "§1 (fee for transfer and warranty protection allowed)",
      attribution: "§1 (copyright notice, license notices); §2(a) (modified files marked)",
      shareAlike: "§2(b); §3 (source code for object code)",
      noFurtherRestrictions: "§6 (no further restrictions on recipients)",
      outputs: "§0 (output covered only if its contents constitute a work based on the Program)",
      trademarks: "no such clause",
    }),
    fingerprints: [
      "gnu general public license version 2, june 1991",
      "this general public license applies to most of the free software foundation's software",
      "you must cause the modified files to carry prominent notices stating that you changed the files and the date of any change",
      "the output from the program is covered only if its contents constitute a work based on the program",
    ],
  },
  {
    key: "gpl-3.0",
    name: "GNU General Public License v3.0",
    spdx: "GPL-3.0-only",
    hubIds: ["gpl-3.0"],
    url: "https://www.gnu.org/licenses/gpl-3.0-standalone.html",
    family: "copyleft",
    osiApproved: true,
    obligations: gnuCopyleft({
      commercial: "§4 (any price or no price)",
      attribution: "§4 (keep notices); §5(a)-(b) (modified versions marked); §7(b)",
      shareAlike: "§5(c); §6 (Corresponding Source for object code)",
      noFurtherRestrictions: "§10 (no further restrictions on the exercise of the rights granted)",
      outputs: "§2 (output covered only if, given its content, it constitutes a covered work)",
      trademarks: "no such clause; §7(e) lets a licensor add a trademark term",
    }),
    fingerprints: [
      "gnu general public license version 3, 29 june 2007",
      "the gnu general public license is a free, copyleft license for software and other kinds of works",
      "use with the gnu affero general public license",
      "you must license the entire work, as a whole, under this license to anyone who comes into possession of a copy",
    ],
  },
  {
    key: "lgpl-2.1",
    name: "GNU Lesser General Public License v2.1",
    spdx: "LGPL-2.1-only",
    hubIds: ["lgpl-2.1"],
    url: "https://www.gnu.org/licenses/old-licenses/lgpl-2.1-standalone.html",
    family: "weak-copyleft",
    osiApproved: true,
    obligations: gnuCopyleft({
      commercial: "§1 (fee for transfer allowed); §6 (works that use the Library under terms of your choice)",
      attribution:
        "§1 (copyright notice); §2(b) (modified files marked); §6 (notice in works that use the Library)",
      shareAlike: "§2(c) (modifications of the Library); §5-§6 (works that use the Library are not covered)",
      shareAlikeNote:
        "Weak copyleft: modifications of the Library stay under this license; works that only link to it may " +
        "use other terms. How this maps to weights is unsettled.",
      noFurtherRestrictions: "§10 (no further restrictions on recipients)",
      outputs: "§0 (output covered only if its contents constitute a work based on the Library)",
      trademarks: "no such clause",
    }),
    fingerprints: [
      "gnu lesser general public license version 2.1, february 1999",
      "this license, the lesser general public license, applies to some specially designated software packages",
      "but is designed to work with the library by being compiled or linked with it",
    ],
  },
  {
    key: "lgpl-3.0",
    name: "GNU Lesser General Public License v3.0",
    spdx: "LGPL-3.0-only",
    hubIds: ["lgpl-3.0"],
    url: "https://www.gnu.org/licenses/lgpl-3.0-standalone.html",
    family: "weak-copyleft",
    osiApproved: true,
    obligations: gnuCopyleft({
      commercial: "§4 (Combined Works under terms of your choice); GPL-3.0 §4",
      attribution: "§3(a)-(b); §4(a)-(b) (notice that the Library is used, copies of both licenses)",
      shareAlike: "§2 (modified Library under LGPL or GPL); GPL-3.0 §5(c); §4 (Combined Works excepted)",
      shareAlikeNote:
        "Weak copyleft: modifications of the Library stay under this license; a Combined Work may use other " +
        "terms. How this maps to weights is unsettled.",
      noFurtherRestrictions: "GPL-3.0 §10 (incorporated by the preamble)",
      outputs: "GPL-3.0 §2 (incorporated by the preamble)",
      trademarks: "no such clause; GPL-3.0 §7(e) lets a licensor add a trademark term",
    }),
    fingerprints: [
      "gnu lesser general public license version 3, 29 june 2007",
      "this version of the gnu lesser general public license incorporates the terms and conditions of version 3 of the gnu general public license, supplemented by the additional permissions listed below",
      "you may convey a combined work under terms of your choice that, taken together, effectively do not restrict modification of the portions of the library contained in the combined work",
      "the object code form of an application may incorporate material from a header file that is part of the library",
      "give prominent notice with each copy of the combined work that the library is used in it",
    ],
  },
  {
    key: "agpl-3.0",
    name: "GNU Affero General Public License v3.0",
    spdx: "AGPL-3.0-only",
    hubIds: ["agpl-3.0"],
    url: "https://www.gnu.org/licenses/agpl-3.0.html",
    family: "copyleft",
    osiApproved: true,
    obligations: gnuCopyleft({
      commercial: "§4 (any price or no price)",
      attribution: "§4 (keep notices); §5(a)-(b) (modified versions marked); §7(b)",
      shareAlike: "§5(c); §6; §13 (source offered to users interacting over a network)",
      shareAlikeNote:
        "Network copyleft: serving a modified version (e.g. a model behind an API) obliges offering its " +
        "source (§13). Whether weights are source or a modification is unsettled.",
      noFurtherRestrictions: "§10 (no further restrictions on the exercise of the rights granted)",
      outputs: "§2 (output covered only if, given its content, it constitutes a covered work)",
      trademarks: "no such clause; §7(e) lets a licensor add a trademark term",
    }),
    fingerprints: [
      "gnu affero general public license version 3, 19 november 2007",
      "specifically designed to ensure cooperation with the community in the case of network server software",
      "remote network interaction; use with the gnu general public license",
      "your modified version must prominently offer all users interacting with it remotely through a computer network",
    ],
  },
  {
    key: "mpl-2.0",
    name: "Mozilla Public License 2.0",
    spdx: "MPL-2.0",
    hubIds: ["mpl-2.0"],
    url: "https://www.mozilla.org/MPL/2.0/",
    family: "weak-copyleft",
    osiApproved: true,
    obligations: {
      commercialUse: use("allowed", "§2.1"),
      attribution: fact(
        true,
        "§3.4 (notices may not be removed); §3.1-§3.2 (recipients told of this license)",
      ),
      shareAlike: fact(
        true,
        "§3.1-§3.2",
        "File-level copyleft: Covered Software files stay under MPL and in source form; a Larger Work may use other terms (§3.3).",
      ),
      useRestrictions: fact(false, "§2.1 (no field-of-use restriction)"),
      restrictionsFlowDown: fact(false, "§3.1 (recipients' rights may not be restricted)"),
      threshold: NO_THRESHOLD,
      naming: fact(null, "§2.3 (no trademark rights; no naming duty)"),
      derivativesInherit: fact(
        true,
        "§3.1 (Modifications of Covered Software); §3.3 (Larger Work excepted)",
        WEIGHTS_COPYLEFT,
      ),
      outputsForTraining: use("allowed", "§2.1 (no condition on use)", OUTPUTS_UNRESTRICTED),
    },
    fingerprints: [
      "mozilla public license version 2.0",
      "you may create and distribute a larger work under terms of your choice",
      "this source code form is subject to the terms of the mozilla public license, v. 2.0",
      "patent license is granted by a contributor: (a) for any code that a contributor has removed from covered software",
    ],
  },
  {
    key: "cc0-1.0",
    name: "Creative Commons Zero v1.0 Universal",
    spdx: "CC0-1.0",
    hubIds: ["cc0-1.0"],
    url: "https://creativecommons.org/publicdomain/zero/1.0/legalcode",
    family: "public-domain",
    osiApproved: false,
    obligations: permissive({
      grant: "§2 Waiver (for any purpose, including commercial)",
      attribution: fact(false, "no such clause (§2 Waiver)"),
      naming: fact(null, "§4(a) (trademark rights not waived; no naming duty)"),
      derivatives: "§2 Waiver; §3 Public License Fallback",
    }),
    fingerprints: [
      "cc0 1.0 universal",
      "affirmer hereby overtly, fully, permanently, irrevocably and unconditionally waives, abandons, and surrenders all of affirmer's copyright and related rights",
      "public license fallback. should any part of the waiver for any reason be judged legally invalid or ineffective under applicable law",
    ],
  },
  {
    key: "cc-by-4.0",
    name: "Creative Commons Attribution 4.0 International",
    spdx: "CC-BY-4.0",
    hubIds: ["cc-by-4.0"],
    url: "https://creativecommons.org/licenses/by/4.0/legalcode",
    family: "creative-commons",
    osiApproved: false,
    obligations: cc4({}),
    fingerprints: [
      "creative commons attribution 4.0 international public license",
      CC_BY_FINGERPRINT,
      "produce, reproduce, and share adapted material.",
    ],
  },
  {
    key: "cc-by-sa-4.0",
    name: "Creative Commons Attribution Share Alike 4.0 International",
    spdx: "CC-BY-SA-4.0",
    hubIds: ["cc-by-sa-4.0"],
    url: "https://creativecommons.org/licenses/by-sa/4.0/legalcode",
    family: "creative-commons",
    osiApproved: false,
    obligations: cc4({ sa: true }),
    fingerprints: [
      "creative commons attribution-sharealike 4.0 international public license",
      "the license elements of this public license are attribution and sharealike",
      "in addition to the conditions in section 3(a), if you share adapted material you produce",
    ],
  },
  {
    key: "cc-by-nc-4.0",
    name: "Creative Commons Attribution Non Commercial 4.0 International",
    spdx: "CC-BY-NC-4.0",
    hubIds: ["cc-by-nc-4.0"],
    url: "https://creativecommons.org/licenses/by-nc/4.0/legalcode",
    family: "creative-commons",
    osiApproved: false,
    obligations: cc4({ nc: "i" }),
    fingerprints: [
      "creative commons attribution-noncommercial 4.0 international public license",
      "reproduce and share the licensed material, in whole or in part, for noncommercial purposes only",
      "produce, reproduce, and share adapted material for noncommercial purposes only.",
    ],
  },
  {
    key: "cc-by-nc-sa-4.0",
    name: "Creative Commons Attribution Non Commercial Share Alike 4.0 International",
    spdx: "CC-BY-NC-SA-4.0",
    hubIds: ["cc-by-nc-sa-4.0"],
    url: "https://creativecommons.org/licenses/by-nc-sa/4.0/legalcode",
    family: "creative-commons",
    osiApproved: false,
    obligations: cc4({ nc: "k", sa: true }),
    fingerprints: [
      "creative commons attribution-noncommercial-sharealike 4.0 international public license",
      "the license elements of this public license are attribution, noncommercial, and sharealike",
      "in addition to the conditions in section 3(a), if you share adapted material you produce",
    ],
  },
  {
    key: "cc-by-nd-4.0",
    name: "Creative Commons Attribution No Derivatives 4.0 International",
    spdx: "CC-BY-ND-4.0",
    hubIds: ["cc-by-nd-4.0"],
    url: "https://creativecommons.org/licenses/by-nd/4.0/legalcode",
    family: "creative-commons",
    osiApproved: false,
    obligations: cc4({ nd: true }),
    fingerprints: [
      "creative commons attribution-noderivatives 4.0 international public license",
      "produce and reproduce, but not share, adapted material.",
      CC_ND_FINGERPRINT,
    ],
  },
  {
    key: "cc-by-nc-nd-4.0",
    name: "Creative Commons Attribution Non Commercial No Derivatives 4.0 International",
    spdx: "CC-BY-NC-ND-4.0",
    hubIds: ["cc-by-nc-nd-4.0"],
    url: "https://creativecommons.org/licenses/by-nc-nd/4.0/legalcode",
    family: "creative-commons",
    osiApproved: false,
    obligations: cc4({ nc: "h", nd: true }),
    fingerprints: [
      "creative commons attribution-noncommercial-noderivatives 4.0 international public license",
      "produce and reproduce, but not share, adapted material for noncommercial purposes only.",
      CC_ND_FINGERPRINT,
    ],
  },
  {
    key: "cc-by-2.0",
    name: "Creative Commons Attribution 2.0 Generic",
    spdx: "CC-BY-2.0",
    hubIds: ["cc-by-2.0"],
    url: "https://creativecommons.org/licenses/by/2.0/legalcode",
    family: "creative-commons",
    osiApproved: false,
    obligations: ccLegacy({ version: "2.0", attribution: "§4(b)" }),
    fingerprints: [
      "creative commons attribution 2.0",
      "to create and reproduce derivative works",
      "licensor or the original author, as requested. b. if you distribute",
    ],
  },
  {
    key: "cc-by-2.5",
    name: "Creative Commons Attribution 2.5 Generic",
    spdx: "CC-BY-2.5",
    hubIds: ["cc-by-2.5"],
    url: "https://creativecommons.org/licenses/by/2.5/legalcode",
    family: "creative-commons",
    osiApproved: false,
    obligations: ccLegacy({ version: "2.5", attribution: "§4(b)" }),
    fingerprints: [
      "creative commons attribution 2.5",
      "to create and reproduce derivative works",
      "credit as required by clause 4(b), as requested",
    ],
  },
  {
    key: "cc-by-3.0",
    name: "Creative Commons Attribution 3.0 Unported",
    spdx: "CC-BY-3.0",
    hubIds: ["cc-by-3.0"],
    url: "https://creativecommons.org/licenses/by/3.0/legalcode",
    family: "creative-commons",
    osiApproved: false,
    obligations: ccLegacy({ version: "3.0", attribution: "§4(b)" }),
    fingerprints: [
      "attribution 3.0 unported",
      "to create and reproduce adaptations",
      "adaptation any credit as required by section 4(b), as requested",
    ],
  },
  {
    key: "cc-by-sa-3.0",
    name: "Creative Commons Attribution Share Alike 3.0 Unported",
    spdx: "CC-BY-SA-3.0",
    hubIds: ["cc-by-sa-3.0"],
    url: "https://creativecommons.org/licenses/by-sa/3.0/legalcode",
    family: "creative-commons",
    osiApproved: false,
    obligations: ccLegacy({ version: "3.0", sa: "§4(b)", attribution: "§4(c)" }),
    fingerprints: [
      "attribution-sharealike 3.0 unported",
      "you may distribute or publicly perform an adaptation only under the terms of",
      "a creative commons compatible license",
    ],
  },
  {
    key: "cc-by-nc-2.0",
    name: "Creative Commons Attribution Non Commercial 2.0 Generic",
    spdx: "CC-BY-NC-2.0",
    hubIds: ["cc-by-nc-2.0"],
    url: "https://creativecommons.org/licenses/by-nc/2.0/legalcode",
    family: "creative-commons",
    osiApproved: false,
    obligations: ccLegacy({ version: "2.0", nc: "§4(b)", attribution: "§4(c)" }),
    fingerprints: [
      "creative commons attribution-noncommercial 2.0",
      "primarily intended for or directed toward commercial advantage or private monetary compensation",
      "to create and reproduce derivative works",
    ],
  },
  {
    key: "cc-by-nc-3.0",
    name: "Creative Commons Attribution Non Commercial 3.0 Unported",
    spdx: "CC-BY-NC-3.0",
    hubIds: ["cc-by-nc-3.0"],
    url: "https://creativecommons.org/licenses/by-nc/3.0/legalcode",
    family: "creative-commons",
    osiApproved: false,
    obligations: ccLegacy({ version: "3.0", nc: "§4(b)", attribution: "§4(c)" }),
    fingerprints: [
      "attribution-noncommercial 3.0 unported",
      "primarily intended for or directed toward commercial advantage or private monetary compensation",
      "to create and reproduce adaptations",
    ],
  },
  {
    key: "cc-by-nc-nd-3.0",
    name: "Creative Commons Attribution Non Commercial No Derivatives 3.0 Unported",
    spdx: "CC-BY-NC-ND-3.0",
    hubIds: ["cc-by-nc-nd-3.0"],
    url: "https://creativecommons.org/licenses/by-nc-nd/3.0/legalcode",
    family: "creative-commons",
    osiApproved: false,
    obligations: ccLegacy({ version: "3.0", nc: "§4(b)", nd: true, attribution: "§4(c)" }),
    fingerprints: [
      "attribution-noncommercial-noderivs 3.0 unported",
      "primarily intended for or directed toward commercial advantage or private monetary compensation",
      "but otherwise you have no rights to make adaptations",
    ],
  },
  {
    key: "cc-by-nc-sa-2.0",
    name: "Creative Commons Attribution Non Commercial Share Alike 2.0 Generic",
    spdx: "CC-BY-NC-SA-2.0",
    hubIds: ["cc-by-nc-sa-2.0"],
    url: "https://creativecommons.org/licenses/by-nc-sa/2.0/legalcode",
    family: "creative-commons",
    osiApproved: false,
    obligations: ccLegacy({ version: "2.0", sa: "§4(b)", nc: "§4(c)", attribution: "§4(d)" }),
    fingerprints: [
      "creative commons attribution-noncommercial-sharealike 2.0",
      "primarily intended for or directed toward commercial advantage or private monetary compensation",
      "a derivative work only under the terms of this license, a later version of this license with the same license elements",
    ],
  },
  {
    key: "cc-by-nc-sa-3.0",
    name: "Creative Commons Attribution Non Commercial Share Alike 3.0 Unported",
    spdx: "CC-BY-NC-SA-3.0",
    hubIds: ["cc-by-nc-sa-3.0"],
    url: "https://creativecommons.org/licenses/by-nc-sa/3.0/legalcode",
    family: "creative-commons",
    osiApproved: false,
    obligations: ccLegacy({ version: "3.0", sa: "§4(b)", nc: "§4(c)", attribution: "§4(d)" }),
    fingerprints: [
      "attribution-noncommercial-sharealike 3.0 unported",
      "primarily intended for or directed toward commercial advantage or private monetary compensation",
      "you may distribute or publicly perform an adaptation only under",
    ],
  },
];

/**
 * SPDX publishes the LGPL-3.0 text with the GPL-3.0 text it supplements appended, so that text also matches
 * the GPL-3.0 fingerprints; when both match, the supplementing license is the one meant.
 */
export const SUPPLEMENTED_BY: ReadonlyMap<string, string> = new Map([["gpl-3.0", "lgpl-3.0"]]);
