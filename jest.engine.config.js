/** The real Pulumi engine suite: serial, long timeouts, its own control plane and file backend. */
module.exports = {
  ...require("./jest.shared"),
  roots: ["<rootDir>/test/engine"],
  testTimeout: 600000,
};
