import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv, type ErrorObject } from "ajv";
import addFormatsModule from "ajv-formats";
import { REPO_ROOT } from "./paths.js";

const SCHEMA_DIR = join(REPO_ROOT, "node_modules/@cyclonedx/cyclonedx-library/res/schema");
const load = (name: string) => JSON.parse(readFileSync(join(SCHEMA_DIR, name), "utf8")) as object;
// CJS default export seen through NodeNext interop.
const addFormats = (addFormatsModule as unknown as { default: (ajv: Ajv) => Ajv }).default;

/**
 * The official CycloneDX 1.6 JSON schema (draft-07), offline. It `$ref`s its sub-schemas by the file names
 * below, relative to its own `$id`, so they are registered under those URLs, not under their own `$id`s.
 */
function compileBomSchema() {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  // The schema's own format for URLs; ajv-formats has no IRI checker, so it is accepted as a string.
  ajv.addFormat("iri-reference", true);
  ajv.addFormat("idn-email", true);
  for (const name of [
    "spdx.SNAPSHOT.schema.json",
    "jsf-0.82.SNAPSHOT.schema.json",
    "cryptography-defs.SNAPSHOT.schema.json",
  ])
    ajv.addSchema(load(name), `http://cyclonedx.org/schema/${name}`);
  return ajv.compile(load("bom-1.6.SNAPSHOT.schema.json"));
}

const validateBom = compileBomSchema();

/** Schema errors of a BOM against CycloneDX 1.6; empty when it is valid. */
export function bomSchemaErrors(bom: unknown): ErrorObject[] {
  return validateBom(bom) ? [] : (validateBom.errors ?? []);
}

/** The SPDX license ids the 1.6 schema accepts as `license.id`. */
export function cyclonedxSpdxIds(): Set<string> {
  return new Set((load("spdx.SNAPSHOT.schema.json") as { enum: string[] }).enum);
}
