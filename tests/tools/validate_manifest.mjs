// Validates an unpacked Teams app package with Microsoft's own tooling, offline (npm
// "@microsoft/app-manifest", the library behind the Agents Toolkit's validation):
// - manifest.json with AppManifestUtils.validateAgainstSchema, which picks the schema bundled
//   in the package for the manifest's $schema;
// - every language file in localizationInfo with the same validator engine (ajv, draft-04)
//   against the bundled localization schema of the same version. That schema has a pattern
//   ("\b]") that is not a valid Unicode-mode regular expression, so AppManifestUtils (which
//   compiles in Unicode mode) throws on it; here it is compiled without the "u" flag.
// Usage: node validate_manifest.mjs DIR   Prints one JSON line per file: {file, errors: [...]}.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(import.meta.url);
const manifestLib = require.resolve("@microsoft/app-manifest");
const { AppManifestUtils } = require(manifestLib);
const libRequire = createRequire(manifestLib);
const AjvDraft04 = libRequire("ajv-draft-04");
const addFormats = libRequire("ajv-formats");

const dir = process.argv[2];
const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));

const report = async (file, validate) => {
  let errors;
  try {
    errors = await validate();
  } catch (error) {
    errors = [`exception: ${error.message}`];
  }
  console.log(JSON.stringify({ file, errors }));
};

await report("manifest.json", () => AppManifestUtils.validateAgainstSchema(manifest));

const localizationSchemaFile = join(
  manifestLib,
  "..",
  "json-schemas",
  "teams",
  `v${manifest.manifestVersion}`,
  "MicrosoftTeams.Localization.schema.json",
);
for (const language of manifest.localizationInfo?.additionalLanguages ?? []) {
  await report(language.file, () => {
    const schema = JSON.parse(readFileSync(localizationSchemaFile, "utf8"));
    const ajv = new AjvDraft04({ allErrors: true, strictTypes: false, unicodeRegExp: false });
    addFormats(ajv, ["uri", "email", "regex"]);
    const validate = ajv.compile(schema);
    const strings = JSON.parse(readFileSync(join(dir, language.file), "utf8"));
    return validate(strings)
      ? []
      : validate.errors.map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
  });
}
