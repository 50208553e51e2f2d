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

describe("the other conditions, one at a time", () => {
  const submitJson = (...args: string[]) => runHelper(["submit", comp, "--server", farm.url, "--root", root(), "--json", ...args]);

  it("assigned clients of another OS: refused, naming the client and its OS", async () => {
    const run = await submitJson("--clients", "win01", "--platforms", "linux");
    expect((run.json as Failure).error).toMatchObject({
      code: "no_client",
      field: "farm.platforms",
      message: expect.stringContaining("the job is assigned to client win01 (Windows); this job has commands only for Linux"),
    });
  });

  it("same OS only: refused with the same-OS words and field", async () => {
    const run = await submitJson("--groups", "Win", "--platforms", "linux,windows", "--same-os");
    expect((run.json as Failure).error).toMatchObject({
      code: "no_client",
      field: "farm.sameOsOnly",
      message: expect.stringContaining("group Win has 1 client, win01 (Windows); this job is for Linux clients only"),
    });
  });

  it("matching clients all disabled or unavailable: sent, with a warning naming them", async () => {
    const run = await submitJson("--groups", "Fusion", "--platforms", "windows,macosx", "--root", `linux=${project}|windows=\\\\fs\\hq|macosx=/Volumes/hq`);
    const result = run.json as SubmitResult;
    expect(result, run.stderr).toMatchObject({ ok: true, command: "submit" });
    const check = result.checks?.find((c) => c.code === "clients_not_ready");
    expect(check).toMatchObject({ level: "warning", field: "farm.assign.names" });
    expect(check?.message).toContain("mac01 (macOS, disabled), win01 (Windows, unavailable)");
    expect(result.warnings).toContain(check?.message);
  });

  it("an available matching client: no client finding at all", async () => {
    const run = await submitJson("--groups", "Fusion", "--platforms", "linux");
    const result = run.json as SubmitResult;
    expect(result.ok, run.stderr).toBe(true);
    expect(result.checks?.filter((c) => c.code.startsWith("client") || c.code === "no_client")).toEqual([]);
  });
});

describe("plan --server-clients", () => {
  it("shows the OSes the farm's clients run and says shared roots are needed", async () => {
    const run = await runHelper(["plan", comp, "--server", farm.url, "--server-clients", "--json"]);
    const plan = run.json as PlanResult;
    expect(plan.ok, run.stderr).toBe(true);
    expect(plan.farm).toEqual({ clients: 5, byOs: { linux: 2, macosx: 1, windows: 2 }, unknown: 0, platforms: ["linux", "macosx", "windows"], sharedRootsNeeded: true });
    const note = plan.checks?.find((c) => c.code === "farm_oses");
    expect(note?.message).toContain("run Linux (2), macOS (1), Windows (2)");
    expect(note?.message).toContain("shared roots are needed");
    expect(plan.notes).toContain(note?.message);
    const human = await runHelper(["plan", comp, "--server", farm.url, "--server-clients"]);
    expect(human.stdout).toContain("note: The farm's 5 client(s) run Linux (2), macOS (1), Windows (2).");
  });

  it("with shared roots named, they are not asked for", async () => {
    const run = await runHelper(["plan", comp, "--server", farm.url, "--server-clients", "--root", root(), "--json"]);
    expect((run.json as PlanResult).farm?.sharedRootsNeeded).toBe(false);
  });

  it("refuses the stalled job as submit does, with every finding attached", async () => {
    const run = await runHelper(["plan", comp, "--server", farm.url, "--server-clients", "--groups", "GPU", "--platforms", "windows", "--root", root(), "--json"]);
    expect(run.status).toBe(1);
    const error = (run.json as Failure).error;
    expect(error.code).toBe("no_client");
    expect(error.checks?.map((c) => c.code)).toEqual(expect.arrayContaining(["no_client", "farm_oses"]));
  });

  it("plan without --server-clients does not ask the server for clients", async () => {
    const before = farm.calls.length;
    const run = await runHelper(["plan", comp, "--server", farm.url, "--groups", "GPU", "--platforms", "windows", "--root", root(), "--json"]);
    expect((run.json as PlanResult).ok).toBe(true);
    expect(farm.calls.slice(before).map((c) => c.method)).toEqual([]);
  });
});

describe("a server that cannot list its clients never blocks", () => {
  it("getClients missing: submitted, with a note that the check was skipped", async () => {
    const server = await startFaultyServer({ missing: ["getClients"] });
    try {
      const request = makeRequest({ server: server.url, farm: { platforms: ["windows"], sharedRoots: [{ linux: "/mnt/hq", windows: "\\\\fs\\hq" }] } });
      const run = await runHelper(["submit", "--request", writeRequest(request), "--json"]);
      const result = run.json as SubmitResult;
      expect(result, run.stderr).toMatchObject({ ok: true, jobId: 4242 });
      expect(result.checks?.find((c) => c.code === "clients_not_checked")).toMatchObject({ level: "note" });
      expect(server.count("newjob")).toBe(1);
    } finally {
      await server.close();
    }
  });

  it("getClientGroups faulting on a group assignment: submitted, client check skipped with a note", async () => {
    const server = await startFaultyServer({ methods: { getClientGroups: { kind: "fault", faultString: "boom" } } });
    try {
      const request = makeRequest({ server: server.url, farm: { assign: { mode: "groups", names: ["Fusion"] }, platforms: ["windows"], sharedRoots: [{ linux: "/mnt/hq", windows: "\\\\fs\\hq" }] } });
      const run = await runHelper(["submit", "--request", writeRequest(request), "--json"]);
      const result = run.json as SubmitResult;
      expect(result, run.stderr).toMatchObject({ ok: true });
      expect(result.checks?.find((c) => c.code === "clients_not_checked")).toBeDefined();
    } finally {
      await server.close();
    }
  });
});
