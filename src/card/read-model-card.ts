import { bodyLicense, scoreChecklist } from "./checklist.js";
import { parseFrontMatter, splitFrontMatter } from "./front-matter.js";
import {
  readBaseModels,
  readDatasets,
  readGating,
  readLanguages,
  readLibraryName,
  readLicense,
  readPipelineTag,
  readRelation,
  readResults,
  readTags,
} from "./metadata.js";
import { readSections } from "./sections.js";
import type { CardProblem, ModelCard } from "./types.js";

/** Real cards stay far below this; past it the rest of the text is not read. */
export const MAX_CARD_CHARS = 1024 * 1024;

/** Cuts at a limit without splitting a surrogate pair. */
function truncate(text: string, limit: number): string {
  const end = /[\uD800-\uDBFF]/.test(text[limit - 1] ?? "") ? limit - 1 : limit;
  return text.slice(0, end);
}

/** Reads a model card (README.md text; null when the repository has none). Never throws on content. */
export function readModelCard(text: string | null): ModelCard {
  const problems: CardProblem[] = [];
  if (text === null) return assemble(false, null, "", problems);
  let bounded = text;
  if (bounded.length > MAX_CARD_CHARS) {
    bounded = truncate(bounded, MAX_CARD_CHARS);
    problems.push({
      kind: "truncated",
      message: `The card is ${text.length} characters; only the first ${MAX_CARD_CHARS} were read.`,
    });
  }
  const normalized = bounded.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  const { yaml, body } = splitFrontMatter(normalized, problems);
  const metadata = yaml === null ? null : parseFrontMatter(yaml, problems);
  return assemble(true, metadata, body, problems);
}

function assemble(
  present: boolean,
  metadata: Record<string, unknown> | null,
  body: string,
  problems: CardProblem[],
): ModelCard {
  const meta = metadata ?? {};
  const sections = readSections(body);
  const declared = readLicense(meta, problems);
  // A license the metadata declares wins; the body is read only when it declares none.
  const license = declared.source !== null ? declared : (bodyLicense(sections) ?? declared);
  const baseModels = readBaseModels(meta, problems);
  const tags = readTags(meta, problems);
  const libraryName = readLibraryName(meta, problems);
  const { relation, relationSource } = readRelation({ meta, baseModels, libraryName, tags }, problems);
  const datasets = readDatasets(meta, problems);
  const results = readResults(meta, problems);
  const gating = readGating(meta);
  const checklist = scoreChecklist({ sections, license, results, datasets });
  return {
    present,
    metadata,
    problems,
    license,
    baseModels: baseModels.ids,
    relation,
    relationSource,
    datasets,
    results,
    gated: gating.gated,
    gatedFields: gating.fields,
    pipelineTag: readPipelineTag(meta, problems),
    libraryName,
    tags,
    languages: readLanguages(meta, problems),
    sections,
    completeness: present ? checklist.completeness : 0,
    missing: checklist.missing,
    presentItems: checklist.presentItems,
  };
}
