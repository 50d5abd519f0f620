// Unit and emulator tests run in parallel; engine tests drive the real Pulumi CLI and run one file at a time
// (see test/engine). `npm test` runs both projects.
const tsJest = ["ts-jest", { tsconfig: "tsconfig.test.json" }];
module.exports = {
  projects: [
    {
      displayName: "unit",
      testEnvironment: "node",
      transform: { "^.+\\.ts$": tsJest },
      testMatch: ["<rootDir>/test/**/*.test.ts"],
      testPathIgnorePatterns: ["<rootDir>/test/engine/"],
      globalSetup: "<rootDir>/test/globalSetup.js",
    },
    {
      displayName: "engine",
      testEnvironment: "node",
      transform: { "^.+\\.ts$": tsJest },
      testMatch: ["<rootDir>/test/engine/**/*.test.ts"],
      globalSetup: "<rootDir>/test/globalSetup.js",
    },
  ],
};
