/** Unit and integration tests under Pulumi mocks; the real-API-server and real-engine suites have their own configs. */
module.exports = {
  ...require("./jest.shared"),
  roots: ["<rootDir>/test"],
  testPathIgnorePatterns: [
    "/node_modules/",
    "<rootDir>/test/e2e/",
    "<rootDir>/test/engine/",
    "<rootDir>/test/package/",
  ],
  testTimeout: 60000,
  // Jest defaults to cores-1 workers: one on this 2-core machine; two halve the wall time.
  maxWorkers: 2,
};
