/** What every Jest config of the repository shares: TypeScript through ts-jest, Node environment. */
module.exports = {
  preset: "ts-jest",
  testEnvironment: "node",
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  // The components package by name (examples/team-app imports it so), from its sources.
  moduleNameMapper: { "^@aks-hardening/components(/team)?$": "<rootDir>/components$1/index.ts" },
};
