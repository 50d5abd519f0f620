// Unit and emulator tests run in parallel; engine tests drive the real Pulumi CLI and run one file at a time
// (see test/engine). `npm test` runs both projects.
//
// Tests are transpiled by SWC, file by file, without type checking: `npm run build` (tsc) type-checks the
// sources, and `npm run typecheck:test` the tests. Type-checking each module on its first load made cold
// runs on two cores miss hook deadlines that warm runs met.
const swc = [
  "@swc/jest",
  {
    jsc: { parser: { syntax: "typescript" }, target: "es2022" },
    module: { type: "commonjs" },
    sourceMaps: "inline",
  },
];
const shared = {
  testEnvironment: "node",
  transform: { "^.+\\.ts$": swc },
  globalSetup: "<rootDir>/test/globalSetup.js",
  setupFilesAfterEnv: ["<rootDir>/test/secretWatch.ts"],
};
module.exports = {
  // .ci/run points this at an empty directory inside the clone, so a warm cache can never hide a cold run.
  ...(process.env.JEST_CACHE_DIRECTORY ? { cacheDirectory: process.env.JEST_CACHE_DIRECTORY } : {}),
  // Generous for a loaded two-core machine; hooks that start servers pass their own (test/hooks.ts).
  testTimeout: 30_000,
  projects: [
    {
      ...shared,
      displayName: "unit",
      testMatch: ["<rootDir>/test/**/*.test.ts"],
      testPathIgnorePatterns: ["<rootDir>/test/engine/"],
    },
    {
      ...shared,
      displayName: "engine",
      testMatch: ["<rootDir>/test/engine/**/*.test.ts"],
    },
  ],
};
