/** The real kube-apiserver suite: serial, long timeouts, started and torn down by its own fixture. */
module.exports = {
  preset: "ts-jest",
  testEnvironment: "node",
  roots: ["<rootDir>/test/e2e"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  // The components package by name (examples/team-app imports it so), from its sources.
  moduleNameMapper: { "^@aks-hardening/components(/team)?$": "<rootDir>/components$1/index.ts" },
  testTimeout: 300000,
};
