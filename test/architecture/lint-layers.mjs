// Lints texts as if they were files of the repository, with the repository's own ESLint config, and
// prints the `no-restricted-imports` and `no-restricted-syntax` messages per case as JSON. Run by layers.test.ts in a child
// process: ESLint loads its flat config with import(), which Jest's module sandbox does not offer.
import { ESLint } from "eslint";
import { readFileSync } from "node:fs";

const cases = JSON.parse(readFileSync(0, "utf8"));
const eslint = new ESLint({
  cwd: process.cwd(),
  ruleFilter: ({ ruleId }) => ruleId === "no-restricted-imports" || ruleId === "no-restricted-syntax",
  // The layer rule needs no type information; the parser still needs a project to parse with.
  overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
});
const results = [];
for (const { filePath, text } of cases) {
  const [result] = await eslint.lintText(text, { filePath });
  results.push(result.messages.map((m) => ({ ruleId: m.ruleId, message: m.message })));
}
process.stdout.write(JSON.stringify(results));
