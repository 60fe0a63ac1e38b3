/**
 * `npm run docs`: writes the README's and docs/architecture.md's tables that are renderings of the
 * threat registry, the configuration schema and the pack, and `Pulumi.yaml`'s config block (`--check`: exits 1, naming the section, when a file is stale).
 * Each generated section sits between `<!-- generated: <name> -->` and `<!-- end: <name> -->`.
 */
import { readFileSync, writeFileSync } from "fs";
import { join } from "path";
import {
  scenariosOfControl,
  THREAT_CONTROLS,
  THREAT_SCENARIOS,
  type ThreatControl,
} from "../conventions/threats";
import { packEnforcementLevel, policies, type PackPolicy } from "../policy-pack/policies";
import { nestedKeyTable, pulumiConfigBlock, topLevelKeyTable } from "../infra/config/reference";

const ROOT = join(__dirname, "..");

/** `S1, S2` but `S1-S6`, `4.2.1-4.2.5`: runs of four or more consecutive items are folded. */
export function compactList(items: string[]): string {
  if (items.length === 0) return "-";
  const parts: string[] = [];
  let start = 0;
  const last = (s: string) => Number(/(\d+)$/.exec(s)?.[1]);
  const stem = (s: string) => s.replace(/\d+$/, "");
  for (let i = 1; i <= items.length; i++) {
    const consecutive =
      i < items.length && stem(items[i]) === stem(items[i - 1]) && last(items[i]) === last(items[i - 1]) + 1;
    if (consecutive) continue;
    const run = items.slice(start, i);
    parts.push(run.length >= 4 ? `${run[0]}-${run[run.length - 1]}` : run.join(", "));
    start = i;
  }
  return parts.join(", ");
}

const code = (names: readonly string[]) =>
  names.length === 0 ? "-" : names.map((n) => `\`${n}\``).join(", ");
const controls = () => Object.entries(THREAT_CONTROLS as Record<string, ThreatControl>);

/** The scenarios with their controls by name; what each control is and where it lives: `controlRegistryTable`. */
export function threatModelTable(): string {
  return [
    "| # | Attack, in short | Controls that answer it ([registry](docs/architecture.md#threat-registry)) |",
    "|---|---|---|",
    ...THREAT_SCENARIOS.map((s) => `| ${s.id} | ${s.attack} | ${code(s.controls)} |`),
  ].join("\n");
}

export function controlRegistryTable(): string {
  return [
    "| Control | Scenarios | Component | In the cluster (admission) | At preview (pack) |",
    "|---|---|---|---|---|",
    ...controls().map(
      ([id, c]) =>
        `| \`${id}\`: ${c.title} | ${compactList(scenariosOfControl(id))} | \`${c.component}\` | ${
          c.admission.length > 0 ? code(c.admission) : `none: ${c.noAdmission}`
        } | ${c.pack.length > 0 ? code(c.pack) : `none: ${c.noPack}`} |`,
    ),
  ].join("\n");
}

export function packPolicyTable(pack: PackPolicy[] = policies): string {
  return [
    "| policy | severity | level | kind | scenarios | CIS AKS (kube-bench aks-1.7) |",
    "|---|---|---|---|---|---|",
    ...pack.map((p) => {
      const scenarios = p.tags.filter((t) => /^S\d$/.test(t));
      const cis = p.tags
        .filter((t) => t.startsWith("cis-aks-1.7:"))
        .map((t) => t.slice("cis-aks-1.7:".length));
      const kind = "validateResource" in p ? "resource" : "stack";
      return `| \`${p.name}\` | ${p.severity} | ${p.enforcementLevel ?? packEnforcementLevel} | ${kind} | ${compactList(scenarios)} | ${compactList(cis)} |`;
    }),
  ].join("\n");
}

interface GeneratedFile {
  path: string;
  sections: Record<string, () => string>;
  /** How the file writes a comment line (the markers); default an HTML comment. */
  comment?: (text: string) => string;
}

const htmlComment = (text: string) => `<!-- ${text} -->`;
/** Inside `Pulumi.yaml`'s `config:` mapping. */
const yamlComment = (text: string) => `  # ${text}`;

export const GENERATED: GeneratedFile[] = [
  {
    path: "README.md",
    sections: {
      "threat-model": threatModelTable,
      "config-top-level": topLevelKeyTable,
      "config-nested": nestedKeyTable,
      "pack-policies": () => packPolicyTable(),
    },
  },
  { path: "Pulumi.yaml", sections: { config: pulumiConfigBlock }, comment: yamlComment },
  { path: "docs/architecture.md", sections: { "control-registry": controlRegistryTable } },
];

/** `text` with each section's body replaced; throws naming a section whose markers are missing. */
export function withSections(
  text: string,
  sections: Record<string, () => string>,
  file: string,
  comment: (text: string) => string = htmlComment,
): string {
  let out = text;
  for (const [name, render] of Object.entries(sections)) {
    const open = `${comment(`generated: ${name} (npm run docs)`)}\n`;
    const close = comment(`end: ${name}`);
    const from = out.indexOf(open);
    const to = out.indexOf(close);
    if (from < 0 || to < from)
      throw new Error(`${file}: no generated section ${name} (markers ${open.trim()} … ${close})`);
    out = `${out.slice(0, from + open.length)}${render()}\n${out.slice(to)}`;
  }
  return out;
}

/** The files whose generated sections differ from what the registry and the pack give. */
export function staleFiles(root = ROOT): string[] {
  return GENERATED.filter((f) => {
    const text = readFileSync(join(root, f.path), "utf8");
    return withSections(text, f.sections, f.path, f.comment) !== text;
  }).map((f) => f.path);
}

function main(argv: string[]): number {
  if (argv.includes("--check")) {
    const stale = staleFiles();
    for (const f of stale) process.stderr.write(`${f}: generated tables are stale; run npm run docs\n`);
    return stale.length > 0 ? 1 : 0;
  }
  for (const f of GENERATED) {
    const path = join(ROOT, f.path);
    writeFileSync(path, withSections(readFileSync(path, "utf8"), f.sections, f.path, f.comment));
    process.stdout.write(`wrote ${f.path}\n`);
  }
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
