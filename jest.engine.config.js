/** The real Pulumi engine suite: serial, long timeouts, its own control plane and file backend. */
module.exports = {
  preset: "ts-jest",
  testEnvironment: "node",
  roots: ["<rootDir>/test/engine"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  // The components package by name (examples/team-app imports it so), from its sources.
  moduleNameMapper: { "^@aks-hardening/components(/team)?$": "<rootDir>/components$1/index.ts" },
  testTimeout: 600000,
};
