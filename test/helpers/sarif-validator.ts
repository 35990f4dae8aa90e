import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv } from "ajv";

const require = createRequire(import.meta.url);

/** The official SARIF 2.1.0 schema, compiled. */
export function sarifValidator() {
  const path = require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");
  const schema = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  // The file says draft-04 (`id`, no exclusive* keywords); its keywords mean the same under draft-07, which
  // Ajv 8 speaks. One of its patterns (language) is not valid with the `u` flag, hence unicodeRegExp: false.
  delete schema.$schema;
  delete schema.id;
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  ajv.addFormat("uri", (s: string) => URL.canParse(s));
  ajv.addFormat(
    "uri-reference",
    (s: string) =>
      /^(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/.test(s) && URL.canParse(s, "http://x/"),
  );
  ajv.addFormat("date-time", (s: string) =>
    /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s),
  );
  return ajv.compile(schema);
}
