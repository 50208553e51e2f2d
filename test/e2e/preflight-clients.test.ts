// Pre-flight "no client can take this job" against the documented HQueue stand-in (clients with platform, groups,
// disabled, available): a job no client can ever take is refused before anything is sent, naming the condition that
// excludes whom; matching clients that are all disabled or unavailable are a warning; a server that cannot list its
// clients never blocks the submit.
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Failure, PlanResult, SubmitResult } from "../../types/request";
import { startFaultyServer } from "../support/faulty-server";
import { startHQueueStandin, type HQueueStandin } from "../support/hqueue-standin";
import { makeRequest } from "../support/requests";
import { repoRoot, runHelper, writeRequest } from "../support/run-helper";

let farm: HQueueStandin;
let comp: string;
let project: string;
beforeAll(async () => {
  farm = await startHQueueStandin({
    runJobs: false,
    clients: [
      { hostname: "render01", os: "linux", groups: ["GPU"] },
      { hostname: "lin02", os: "linux", groups: ["Fusion"] },
      { hostname: "mac01", os: "macos", arch: "arm64", groups: ["Fusion", "Mac"], disabled: true },
      { hostname: "win01", os: "windows", groups: ["Fusion", "Win"], available: false },
      { hostname: "win02", os: "windows", groups: ["Empty"], disabled: true },
    ],
  });
  project = mkdtempSync(join(tmpdir(), "hq-preflight-"));
  comp = join(project, "shot.comp");
  copyFileSync(join(repoRoot, "test/comps/e2e-basic.comp"), comp);
});
afterAll(() => farm.close());

const root = () => `linux=${project}|windows=\\\\fileserver\\hq`;

describe("no client can take this job", () => {
  it("submit --groups GPU --platforms windows, GPU = one Linux client: refused before sending, saying why", async () => {
    const jobsBefore = farm.jobs.size;
    const run = await runHelper(["submit", comp, "--server", farm.url, "--groups", "GPU", "--platforms", "windows", "--root", root(), "--json"]);
    expect(run.status, run.stderr).toBe(1);
    const error = (run.json as Failure).error;
    expect(error).toMatchObject({ code: "no_client", field: "farm.platforms" });
    expect(error.message).toContain("group GPU has 1 client, render01 (Linux); this job has commands only for Windows");
    expect(farm.jobs.size).toBe(jobsBefore);
    expect(farm.calls.some((c) => c.method === "newjob")).toBe(false);
  });

  it("human output says the same and exits 1", async () => {
    const run = await runHelper(["submit", comp, "--server", farm.url, "--groups", "GPU", "--platforms", "windows", "--root", root()]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("group GPU has 1 client, render01 (Linux); this job has commands only for Windows");
  });
});
