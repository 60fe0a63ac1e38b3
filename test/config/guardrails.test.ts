/**
 * `guardrails`: who the admission policies trust. One compliant fixture that sets both keys, then
 * one mutation per rule, each reported under its own key path with the offending value.
 */
import { DEFAULT_PRIVILEGED_NAMESPACES } from "../../components/kubernetes/validate-args";
import { validateConfig } from "../../infra/config/validate";
import {
  minimalCreateConfig,
  mutated,
  problemsOf,
  validCreateConfig,
  validExistingConfig,
  type RawConfig,
} from "./fixtures";

const withGuardrails = (base: RawConfig): RawConfig =>
  mutated(base, (c) => {
    c.guardrails = {
      platformUsers: ["ci-deployer@example.com"],
      privilegedNamespaces: ["kube-system", "monitoring-system"],
    };
  });

describe("guardrails: the compliant settings pass in both modes", () => {
  it.each([
    ["create", validCreateConfig(), "dev"],
    ["existing", validExistingConfig(), "local"],
  ])("%s", (_mode, base, stack) => {
    expect(validateConfig(withGuardrails(base), stack).guardrails).toEqual({
      platformUsers: ["ci-deployer@example.com"],
      privilegedNamespaces: ["kube-system", "monitoring-system"],
    });
  });
});

describe("guardrails: defaults", () => {
  it("has no platform user and the Kubernetes layer's own privileged namespaces", () => {
    expect(validateConfig(minimalCreateConfig(), "dev").guardrails).toEqual({
      platformUsers: [],
      privilegedNamespaces: [...DEFAULT_PRIVILEGED_NAMESPACES],
    });
  });

  it("fills each key left out on its own", () => {
    const onlyUsers = mutated(minimalCreateConfig(), (c) => (c.guardrails = { platformUsers: ["ci"] }));
    expect(validateConfig(onlyUsers, "dev").guardrails.privilegedNamespaces).toEqual([
      ...DEFAULT_PRIVILEGED_NAMESPACES,
    ]);
  });

  it("accepts an empty allow-list (only the identity namespace stays privileged)", () => {
    const none = mutated(minimalCreateConfig(), (c) => (c.guardrails = { privilegedNamespaces: [] }));
    expect(validateConfig(none, "dev").guardrails.privilegedNamespaces).toEqual([]);
  });
});

interface Case {
  name: string;
  mutate: (guardrails: RawConfig) => void;
  key: string;
  value: unknown;
  message: RegExp;
}

const cases: Case[] = [
  {
    name: "unknown key",
    mutate: (g) => Object.assign(g, { replace: ["ci"] }),
    key: "guardrails.replace",
    value: ["ci"],
    message: /not a known key/,
  },
  {
    name: "misspelt key",
    mutate: (g) => (g.platformUser = ["ci"]),
    key: "guardrails.platformUser",
    value: ["ci"],
    message: /did you mean "platformUsers"/,
  },
  {
    name: "platformUsers not a list",
    mutate: (g) => (g.platformUsers = "ci-deployer"),
    key: "guardrails.platformUsers",
    value: "ci-deployer",
    message: /must be a list/,
  },
  {
    name: "platform user not a string",
    mutate: (g) => (g.platformUsers = [42]),
    key: "guardrails.platformUsers[0]",
    value: 42,
    message: /must be a string/,
  },
  {
    name: "platform user empty",
    mutate: (g) => g.platformUsers.push("  "),
    key: "guardrails.platformUsers[1]",
    value: "  ",
    message: /must be a non-empty user name/,
  },
  {
    name: "platform user is a service account",
    mutate: (g) => g.platformUsers.push("system:serviceaccount:team-a:app"),
    key: "guardrails.platformUsers[1]",
    value: "system:serviceaccount:team-a:app",
    message: /service account/,
  },
  {
    name: "platform user is anonymous",
    mutate: (g) => g.platformUsers.push("system:anonymous"),
    key: "guardrails.platformUsers[1]",
    value: "system:anonymous",
    message: /unauthenticated/,
  },
  {
    name: "platform user listed twice",
    mutate: (g) => g.platformUsers.push("ci-deployer@example.com"),
    key: "guardrails.platformUsers[1]",
    value: "ci-deployer@example.com",
    message: /listed twice/,
  },
  {
    name: "privilegedNamespaces not a list",
    mutate: (g) => (g.privilegedNamespaces = { "kube-system": true }),
    key: "guardrails.privilegedNamespaces",
    value: { "kube-system": true },
    message: /must be a list/,
  },
  {
    name: "privileged namespace not a string",
    mutate: (g) => g.privilegedNamespaces.push(true),
    key: "guardrails.privilegedNamespaces[2]",
    value: true,
    message: /must be a string/,
  },
  {
    name: "privileged namespace empty",
    mutate: (g) => g.privilegedNamespaces.push(""),
    key: "guardrails.privilegedNamespaces[2]",
    value: "",
    message: /must not be empty/,
  },
  {
    name: "privileged namespace not DNS-1123",
    mutate: (g) => g.privilegedNamespaces.push("Monitoring_System"),
    key: "guardrails.privilegedNamespaces[2]",
    value: "Monitoring_System",
    message: /DNS-1123/,
  },
  {
    name: "privileged namespace `default`",
    mutate: (g) => g.privilegedNamespaces.push("default"),
    key: "guardrails.privilegedNamespaces[2]",
    value: "default",
    message: /must stay restricted/,
  },
  {
    name: "privileged namespace owned by a team",
    mutate: (g) => g.privilegedNamespaces.push("team-a-jobs"),
    key: "guardrails.privilegedNamespaces[2]",
    value: "team-a-jobs",
    message: /team "team-a" \(teams\[0\]\.namespaces\[1\]\).*restricted/,
  },
  {
    name: "privileged namespace a kube-* name Kubernetes does not create",
    mutate: (g) => g.privilegedNamespaces.push("kube-sytem"),
    key: "guardrails.privilegedNamespaces[2]",
    value: "kube-sytem",
    message: /Kubernetes does not create; did you mean "kube-system"/,
  },
  {
    name: "privileged namespace listed twice",
    mutate: (g) => g.privilegedNamespaces.push("monitoring-system"),
    key: "guardrails.privilegedNamespaces[2]",
    value: "monitoring-system",
    message: /listed twice/,
  },
];

describe("guardrails: each bad input is reported with its key and value", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const problems = problemsOf(
      mutated(withGuardrails(validCreateConfig()), (cfg) => c.mutate(cfg.guardrails)),
    );
    expect(problems).toEqual([expect.objectContaining({ key: c.key, value: c.value })]);
    expect(problems[0].message).toMatch(c.message);
  });

  it("reports a wrong-typed guardrails value", () => {
    const problems = problemsOf(mutated(validCreateConfig(), (c) => (c.guardrails = ["ci"])));
    expect(problems).toEqual([
      expect.objectContaining({ key: "guardrails", value: ["ci"], message: expect.stringMatching(/object/) }),
    ]);
  });

  it("reports every guardrails problem at once, beside the rest of the configuration's", () => {
    const broken = mutated(withGuardrails(validCreateConfig()), (c) => {
      c.guardrails.platformUsers.push("system:serviceaccount:kube-system:default");
      c.guardrails.privilegedNamespaces.push("default", "team-b");
      c.teams[1].name = "Team_B";
    });
    expect(
      problemsOf(broken)
        .map((p) => p.key)
        .sort(),
    ).toEqual(
      [
        "guardrails.platformUsers[1]",
        "guardrails.privilegedNamespaces[2]",
        "guardrails.privilegedNamespaces[3]",
        "teams[1].name",
      ].sort(),
    );
  });
});
