/** Unit and integration tests under Pulumi mocks; the real-API-server and real-engine suites have their own configs. */
module.exports = {
  preset: "ts-jest",
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/e2e/", "<rootDir>/test/engine/"],
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  testTimeout: 60000,
  // Jest defaults to cores-1 workers: one on this 2-core machine; two halve the wall time.
  maxWorkers: 2,
};
