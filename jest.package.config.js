/** The components library packed and installed into a scratch team project (npm pack + npm install). */
module.exports = {
  ...require("./jest.shared"),
  roots: ["<rootDir>/test/package"],
  testTimeout: 600000,
};
