import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Tests spawn luajit, node and sh; two cores: keep parallelism modest so timeouts stay meaningful.
    maxWorkers: 2,
  },
});
