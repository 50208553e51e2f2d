import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Kept in test/ so the top level stays as the design card has it; paths are relative to the repo root.
export default defineConfig({
  root: resolve(dirname(fileURLToPath(import.meta.url)), ".."),
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Tests spawn luajit, node and sh; two cores: keep parallelism modest so timeouts stay meaningful.
    maxWorkers: 2,
    // Every helper the tests start (directly or through the comp script) records its jobs here, not in the
    // tester's home (~/.kartalink-hqueue/jobs.jsonl).
    env: { KARTALINK_HQUEUE_INDEX: join(mkdtempSync(join(tmpdir(), "hq-index-")), "jobs.jsonl") },
  },
});
