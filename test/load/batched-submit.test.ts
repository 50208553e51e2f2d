// Jobs bigger than one request body: the built helper sends the parent with its first tasks, then the rest with
// newjob(list, parent_id), keeping the job paused until the last part is in.
// - 20,000 one-frame tasks to the light farm refusing bodies over 2.5 MB (Django's default): every task exactly once,
//   in order, the job finishing only when all are done; and 400 tasks in 20 kB parts through the HQueue stand-in's
//   scheduler with a tiny render node (a sh script recording its frame): every frame rendered exactly once.
// - Faults on the second and on the last part: the parent is cancelled, nothing is resumed, the artist is told.
// - A server refusing a body as too large: the message says so and names --max-body; with it the job goes through.
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { SubmitRequest, SubmitResult } from "../../types/request";
import { startHQueueStandin } from "../support/hqueue-standin";
import { startFaultyServer } from "../support/faulty-server";
import { startBenchFarm } from "../support/bench-farm";
import { makeRequest } from "../support/requests";
import { repoRoot, runHelper, writeRequest } from "../support/run-helper";

const TASKS = 20_000;
const DJANGO_LIMIT = 2_621_440;


/** A project with a real comp, and a render node that appends its -start frame to frames.txt. */
function project(tasks: number, over: Partial<SubmitRequest["job"]>, server: string): { dir: string; request: SubmitRequest; framesFile: string } {
  const dir = mkdtempSync(join(tmpdir(), "hq-batched-"));
  const compPath = join(dir, "big.comp");
  copyFileSync(join(repoRoot, "test/comps/e2e-basic.comp"), compPath);
  const framesFile = join(dir, "frames.txt");
  const node = join(dir, "render-node.sh");
  // The task runner verifies the Saver's frames after the render: write it too.
  writeFileSync(node, `#!/bin/sh\n# <comp> -render -start N -end N -step 1 …\necho "$4" >> '${framesFile}'\nmkdir -p '${dir}/render' && printf x > '${dir}/render/shot.'"$(printf %04d "$4")".png\n`);
  chmodSync(node, 0o755);
  const request = makeRequest({
    server,
    timeoutSeconds: 60,
    comp: { path: compPath, renderStart: 1, renderEnd: tasks, globalStart: 1, globalEnd: tasks, savers: [{ name: "Saver1", enabled: true, path: join(dir, "render/shot.0000.png") }] },
    job: { name: "big", frames: { kind: "custom", set: `1-${tasks}` }, framesPerTask: 1, cpus: 1, inPlace: false, ...over },
    farm: { renderNode: { version: "19", paths: { linux: node } } },
  });
  return { dir, request, framesFile };
}

describe(`a ${TASKS.toLocaleString("en-US")}-task job to a server that refuses bodies over 2.5 MB`, () => {
  it("is sent in parts of at most 2 MB, each task exactly once, and finishes only when all are done", async () => {
    // The light farm (bench-farm.ts): the stand-in runs ~100 tasks a second here, too slow for 20,000.
    const farm = await startBenchFarm(1, DJANGO_LIMIT);
    try {
      const { request } = project(TASKS, {}, farm.url);
      const run = await runHelper(["submit", "--request", writeRequest(request), "--json"], { timeoutMs: 120_000 });
      expect(run.status, run.stdout + run.stderr).toBe(0);
      const result = run.json as SubmitResult;
      expect(result).toMatchObject({ ok: true, taskCount: TASKS, paused: false });
      expect(farm.refusedBodies).toEqual([]);
      const sizes = farm.methods.flatMap((m, i) => (m === "newjob" ? [farm.bodyBytes[i]] : []));
      expect(sizes.length).toBeGreaterThan(2);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(2_000_000);
      expect(farm.methods.indexOf("pauseJobs")).toBe(farm.methods.indexOf("newjob") + 1); // paused right after creation
      expect(farm.methods.lastIndexOf("resumeJobs")).toBeGreaterThan(farm.methods.lastIndexOf("newjob"));
      expect(farm.paused.has(result.jobId)).toBe(false);
      const job = farm.jobs.get(result.jobId)!;
      const names = job.childIds.map((id) => farm.jobs.get(id)!.name);
      expect(names).toEqual(Array.from({ length: TASKS }, (_, i) => `Frames ${i + 1}`));
      farm.finishTasks(result.jobId, TASKS - 1);
      expect(job.status).toBe("running");
      farm.finishTasks(result.jobId, 1);
      expect(job.status).toBe("succeeded");
    } finally {
      await farm.close();
    }
  }, 200_000);

  it("on the HQueue stand-in (its scheduler, parts of 20 kB, a 25 kB body limit): every frame rendered exactly once", async () => {
    const strict = await startHQueueStandin({
      port: 0,
      maxBodyBytes: 25_000,
      clients: Array.from({ length: 4 }, (_, i) => ({ hostname: `lin${i}`, os: "linux" as const, groups: ["Fusion"] })),
      slotsPerClient: 2,
    });
    try {
      const { request, framesFile } = project(400, {}, strict.url);
      const run = await runHelper(["submit", "--request", writeRequest(request), "--max-body", "20000", "--json"], { timeoutMs: 60_000 });
      expect(run.status, run.stdout + run.stderr).toBe(0);
      const result = run.json as SubmitResult;
      expect(strict.refusedBodies).toEqual([]);
      expect(strict.calls.filter((c) => c.method === "newjob").length).toBeGreaterThan(5);
      const job = await strict.waitForJob(result.jobId, 120_000);
      expect(job.status).toBe("succeeded");
      expect(job.childIds).toHaveLength(400);
      const frames = readFileSync(framesFile, "utf8").trim().split("\n").map(Number).sort((a, b) => a - b);
      expect(frames).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
    } finally {
      await strict.close();
    }
  }, 180_000);
});

describe("a part of a big job fails", () => {
  it.each([
    ["the second part", 2],
    ["the last part", -1],
  ])("%s is refused: the parent is cancelled and never resumed; the artist is told nothing will render", async (_, which) => {
    // 600 tasks in parts of at most 50 kB: count the parts first on a server that answers everything.
    const probe = await startFaultyServer();
    const { request } = project(600, {}, probe.url);
    const ok = await runHelper(["submit", "--request", writeRequest(request), "--max-body", "50000", "--json"]);
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    const parts = probe.count("newjob");
    await probe.close();
    expect(parts).toBeGreaterThan(3);

    const failing = which === 2 ? 2 : parts;
    const answers = Array.from({ length: failing - 1 }, () => ({ kind: "answer" as const }));
    const server = await startFaultyServer({ methods: { newjob: [...answers, { kind: "fault", faultString: "<class 'Exception'>:database is locked" }] } });
    try {
      const again = project(600, {}, server.url);
      const run = await runHelper(["submit", "--request", writeRequest(again.request), "--max-body", "50000", "--json"]);
      expect(run.status).toBe(1);
      const error = (run.json as { error: { code: string; message: string } }).error;
      expect(error.code).toBe("fault");
      expect(error.message).toContain("database is locked");
      expect(error.message).toContain("Job 4242 was cancelled");
      expect(error.message).toContain("Nothing will render");
      const methods = server.calls.map((c) => c.method);
      expect(server.count("newjob")).toBe(failing);
      expect(methods.at(-1)).toBe("cancelJobs");
      expect(methods).not.toContain("resumeJobs");
    } finally {
      await server.close();
    }
  });

  it("a lost answer on a part: unconfirmed, saying what is known, and nothing resumed", async () => {
    const server = await startFaultyServer({ methods: { newjob: [{ kind: "answer" }, { kind: "reset" }] } });
    try {
      const { request } = project(600, {}, server.url);
      const run = await runHelper(["submit", "--request", writeRequest(request), "--max-body", "50000", "--json"]);
      expect(run.status).toBe(1);
      const error = (run.json as { error: { code: string; message: string } }).error;
      expect(error.code).toBe("submit_unconfirmed");
      expect(error.message).toMatch(/Job 4242 was created and is paused, but the answer to part 2 of \d+ was lost/);
      expect(server.calls.map((c) => c.method)).not.toContain("resumeJobs");
      expect(server.count("newjob")).toBe(2);
    } finally {
      await server.close();
    }
  });
});

describe("a server that refuses the body as too large", () => {
  it("gets a message naming --max-body, and the job goes through with it", async () => {
    const small = await startHQueueStandin({ port: 0, maxBodyBytes: 100_000, runJobs: false });
    try {
      const { request } = project(1_000, {}, small.url);
      const run = await runHelper(["submit", "--request", writeRequest(request), "--json"]);
      expect(run.status).toBe(1);
      const error = (run.json as { error: { code: string; message: string; hint: string } }).error;
      expect(error.message).toMatch(/HTTP 400.*larger than the server accepts/);
      expect(error.message).toContain("Nothing was submitted");
      expect(error.hint).toMatch(/--max-body \d+/);
      expect(small.jobs.size).toBe(0);
      // Following the hint (again if needed) gets the job through.
      let retry = run;
      for (let i = 0; i < 5 && retry.status !== 0; i++) {
        const maxBody = /--max-body (\d+)/.exec((retry.json as { error: { hint: string } }).error.hint)![1];
        retry = await runHelper(["submit", "--request", writeRequest(request), "--max-body", maxBody, "--json"]);
      }
      expect(retry.status, retry.stdout).toBe(0);
      const result = retry.json as SubmitResult;
      expect(small.jobs.get(result.jobId)?.childIds).toHaveLength(1_000);
    } finally {
      await small.close();
    }
  });
});
