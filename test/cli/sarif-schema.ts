/**
 * The SARIF 2.1.0 JSON schema as published on SchemaStore (`sarif-2.1.0-rtm.5.json`, the final
 * 2.1.0 schema), shipped by the `@microsoft/jest-sarif` package. It is written in draft-04, which
 * Ajv 8 does not load; the only draft-04-specific part it uses is the root `id`, so that becomes
 * `$id` and the draft-04 `$schema` is dropped. Every constraint is kept as published.
 */
import Ajv from "ajv";
import addFormats from "ajv-formats";

export function sarifValidator(): (doc: unknown) => string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const published = require("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json") as Record<
    string,
    unknown
  >;
  const { $schema: _draft04, id, ...rest } = published;
  // One published pattern (`language`) has a stray `]` that is only valid without the `u` flag, as
  // draft-04 validators compiled it.
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile({ ...rest, $id: id as string });
  return (doc) => (validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));
}
