/** Unit and integration tests under Pulumi mocks; the real-API-server and real-engine suites have their own configs. */
module.exports = {
  preset: "ts-jest",
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  testPathIgnorePatterns: [
    "/node_modules/",
    "<rootDir>/test/e2e/",
    "<rootDir>/test/engine/",
    "<rootDir>/test/package/",
  ],
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  // The components package by name (examples/team-app imports it so), from its sources.
  moduleNameMapper: { "^@aks-hardening/components(/team)?$": "<rootDir>/components$1/index.ts" },
  testTimeout: 60000,
  // Jest defaults to cores-1 workers: one on this 2-core machine; two halve the wall time.
  maxWorkers: 2,
};
