/** The real kube-apiserver suite: serial, long timeouts, started and torn down by its own fixture. */
module.exports = {
  ...require("./jest.shared"),
  roots: ["<rootDir>/test/e2e"],
  testTimeout: 300000,
};
