// Type-aware lint for the whole repository: the program, the components, the pack and the tests.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import prettier from "eslint-config-prettier";

/**
 * The layers and which way their imports point (docs/architecture.md):
 *   conventions  <-  components  <-  infra (the platform program)  <-  cli, bench, tests
 *   conventions  <-  policy-pack  <-  cli, bench, tests
 * Each entry lists the top-level folders a layer must not import, matched on relative import paths.
 */
const LAYERS = [
  {
    files: ["contracts/**/*.ts"],
    forbidden: ["infra", "cli", "testing", "test", "bench", "policy-pack", "examples"],
    why: "a contract stack reads and re-validates its contract with the components, nothing of the platform program",
  },
  {
    files: ["components/**/*.ts"],
    forbidden: ["infra", "cli", "testing", "test", "bench", "policy-pack", "contracts", "examples"],
    why: "components depend on conventions only (and their SDKs): never on the platform program, the CLI, the pack or tests",
  },
  {
    files: ["policy-pack/**/*.ts"],
    forbidden: ["components", "infra", "cli", "testing", "test", "bench", "contracts", "examples"],
    why: "the policy pack judges any stack, so it depends on conventions only, never on the components it judges",
  },
  {
    files: ["infra/**/*.ts"],
    forbidden: ["cli", "testing", "test", "bench", "policy-pack", "examples", "contracts"],
    why: "the platform program runs components; the CLI, the pack and tests sit above it",
  },
  {
    files: ["testing/**/*.ts", "cli/**/*.ts"],
    forbidden: ["test", "bench", "examples"],
    why: "the CLI and test support are imported by benchmarks and tests, never the other way round",
    dynamicImport: true, // the CLI loads its heavy parts lazily
  },
  {
    files: ["test/**/*.ts"],
    forbidden: [],
    why: "",
    dynamicImport: true,
  },
  {
    files: ["bench/**/*.ts"],
    forbidden: ["test", "examples"],
    why: "benchmarks measure the CLI and the program; test suites are not part of them",
    dynamicImport: true,
  },
];

/** A relative path that is not written the short way (`./../x`, `a/../b`, `a//b`, `a/./b`) could hide where it leads. */
const NON_CANONICAL = {
  regex: "^\\./\\.\\.(/|$)|/\\./|//|(^|/)(?!\\.\\.(/|$))[^/]+/\\.\\.(/|$)",
  message:
    "write relative imports the short way (no ./../, a/../b, //, /./): the layer rules read the path as written",
};
/** The workspaces by package name: inside the repository every layer imports them by relative path. */
const WORKSPACE_NAMES = {
  regex: "^(@aks-hardening/|aks-hardening-policy-pack(/|$))",
  message:
    "import the repository's own workspaces by relative path (only a team's project, examples/, uses the package name)",
};
/** Dynamic import() is not seen by no-restricted-imports, so the lower layers may not use it. */
const NO_DYNAMIC_IMPORT = {
  selector: "ImportExpression",
  message: "no dynamic import() in this layer: the layer rules cannot see where it leads",
};

/** The rules of one layer: the canonical-path and workspace-name rules plus its forbidden folders. */
function layerRule({ files, forbidden, why, dynamicImport = false }) {
  return {
    files,
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            NON_CANONICAL,
            WORKSPACE_NAMES,
            ...(forbidden.length > 0
              ? [{ regex: `^(\\.\\./)+(${forbidden.join("|")})(/|$)`, message: why }]
              : []),
          ],
        },
      ],
      ...(dynamicImport ? {} : { "no-restricted-syntax": ["error", NO_DYNAMIC_IMPORT] }),
    },
  };
}

export default tseslint.config(
  {
    ignores: [
      "node_modules/**",
      "**/node_modules/**",
      "bin/**",
      "**/bin/**",
      "coverage/**",
      "**/*.js",
      "**/*.mjs",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-floating-promises": "error",
      // Pulumi inputs and policy props are loosely typed by design; we narrow them explicitly instead.
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/no-unsafe-call": "off",
    },
  },
  {
    // The example is a team's own project (its tsconfig resolves the installed package); the
    // repository lints it against the root tsconfig, which maps the package to its sources.
    files: ["examples/**/*.ts"],
    languageOptions: {
      parserOptions: {
        projectService: false,
        project: ["./tsconfig.json"],
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  ...LAYERS.map(layerRule),
  {
    // Dependency-free: no package and no Node built-in, so every layer (and a browser) can load it.
    files: ["conventions/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            NON_CANONICAL,
            {
              regex: "^(?!\\./)",
              message: "conventions import nothing but their sibling modules (no packages, no other layer)",
            },
          ],
        },
      ],
      "no-restricted-syntax": ["error", NO_DYNAMIC_IMPORT],
    },
  },
  {
    // The admission policy specs sit one folder down and may also import the conventions above them.
    files: ["conventions/admission/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            NON_CANONICAL,
            {
              regex: "^(?!\\./|\\.\\./[^/.][^/]*$)",
              message: "conventions import nothing but their sibling modules (no packages, no other layer)",
            },
          ],
        },
      ],
    },
  },
  {
    // A team's own project: packages only, nothing of the repository by path.
    files: ["examples/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^\\.\\./",
              message: "a team's project imports the published packages, never the repository by path",
            },
          ],
        },
      ],
      "no-restricted-syntax": ["error", NO_DYNAMIC_IMPORT],
    },
  },
  prettier,
);
