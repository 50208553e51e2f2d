// Load: many helpers at once, and one very big job, with the BUILT helper as separate processes.
// - Twenty helper processes submit at the same moment to the HQueue stand-in: twenty distinct jobs, each exactly
//   the job its own request asked for (no crossed wires, no lost or doubled newjob).
// - A 100,000-task job is submitted, watched while tasks finish, and cancelled while it runs (on bench-farm.ts, a
//   lean server built for jobs that size; the stand-in refuses request bodies over 32 MB).
// No speed assertions: the time limits only catch hangs (speed figures are `npm run bench`).
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HelperResponse, StatusResult, SubmitResult } from "../../types/request";
import { type BenchFarm, startBenchFarm } from "../support/bench-farm";
import { type HQueueStandin, startHQueueStandin } from "../support/hqueue-standin";
import { makeRequest } from "../support/requests";
import { helperPath, runHelper, writeRequest } from "../support/run-helper";

const SUBMITTERS = 20;
const BIG_JOB_TASKS = 100_000;

let standin: HQueueStandin;
let farm: BenchFarm;

beforeAll(async () => {
  standin = await startHQueueStandin({ port: 0, runJobs: false });
  farm = await startBenchFarm(1_000_000);
});
afterAll(async () => {
  await standin?.close();
  await farm?.close();
});

async function until(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("twenty helpers submitting at once", () => {
  it("gives twenty distinct jobs, each exactly as its request asked", async () => {
    const requests = Array.from({ length: SUBMITTERS }, (_, i) => {
      const first = i * 100 + 1;
      return {
        index: i,
        first,
        file: writeRequest(
          makeRequest({
            server: standin.url,
            comp: { path: `/mnt/hq/shots/sh${String(i).padStart(3, "0")}/comp/load.comp`, renderStart: 1, renderEnd: 10_000, globalStart: 1, globalEnd: 10_000 },
            job: { name: `load ${i}`, priority: i % 11, frames: { kind: "custom", set: `${first}-${first + 19}` }, framesPerTask: 5, environment: { LOAD_INDEX: String(i) } },
          }),
        ),
      };
    });
    const before = standin.calls.filter((c) => c.method === "newjob").length;
    const runs = await Promise.all(requests.map((r) => runHelper(["submit", "--request", r.file, "--json"], { timeoutMs: 60_000 })));

    const ids = new Set<number>();
    for (const [i, run] of runs.entries()) {
      expect(run.status, `submitter ${i}: ${run.stdout}${run.stderr}`).toBe(0);
      const result = run.json as SubmitResult;
      expect(result).toMatchObject({ ok: true, command: "submit", frameCount: 20, taskCount: 4 });
      ids.add(result.jobId);

      const { first } = requests[i];
      const job = standin.jobs.get(result.jobId);
      expect(job?.name).toBe(`load ${i} -> load.comp`);
      expect(job?.priority).toBe(i % 11);
      const tasks = (job?.childIds ?? []).map((id) => standin.jobs.get(id));
      expect(tasks.map((t) => t?.name)).toEqual([0, 5, 10, 15].map((o) => `Frames ${first + o}-${first + o + 4}`));
      for (const [t, task] of tasks.entries()) {
        const linux = (task?.command as Record<string, string>).linux;
        expect(linux).toContain(`/mnt/hq/shots/sh${String(i).padStart(3, "0")}/comp/load.comp -render -start ${first + t * 5} -end ${first + t * 5 + 4} -step 1`);
        expect(task?.environment).toEqual({ LOAD_INDEX: String(i) });
      }
    }
    expect(ids.size).toBe(SUBMITTERS);
    expect(standin.calls.filter((c) => c.method === "newjob").length - before).toBe(SUBMITTERS);
  }, 90_000);
});

describe(`a ${BIG_JOB_TASKS.toLocaleString("en-US")}-task job`, () => {
  it("is submitted, watched while its tasks finish, and cancelled while it runs", async () => {
    // Submit: the parent with the first tasks, then the rest in parts of at most 2 MB (the default --max-body).
    const request = makeRequest({
      server: farm.url,
      timeoutSeconds: 120,
      comp: { renderStart: 1, renderEnd: BIG_JOB_TASKS, globalStart: 1, globalEnd: BIG_JOB_TASKS },
      job: { name: "load big", frames: { kind: "custom", set: `1-${BIG_JOB_TASKS}` }, framesPerTask: 1 },
    });
    const submit = await runHelper(["submit", "--request", writeRequest(request), "--json"], { timeoutMs: 150_000 });
    expect(submit.status, submit.stdout + submit.stderr).toBe(0);
    const result = submit.json as SubmitResult;
    expect(result).toMatchObject({ ok: true, frameCount: BIG_JOB_TASKS, taskCount: BIG_JOB_TASKS });
    const newjobs = farm.methods.flatMap((m, i) => (m === "newjob" ? [farm.bodyBytes[i]] : []));
    expect(newjobs.length).toBeGreaterThan(1);
    expect(Math.max(...newjobs)).toBeLessThanOrEqual(2_000_000);
    expect(farm.methods).toContain("resumeJobs");
    expect(farm.paused.has(result.jobId)).toBe(false);
    const job = farm.jobs.get(result.jobId);
    expect(job?.childIds).toHaveLength(BIG_JOB_TASKS);
    const names = (job?.childIds ?? []).map((id) => farm.jobs.get(id)?.name);
    expect(names[0]).toBe("Frames 1");
    expect(names[BIG_JOB_TASKS - 1]).toBe(`Frames ${BIG_JOB_TASKS}`);
    expect(names.every((name, i) => name === `Frames ${i + 1}`)).toBe(true);

    // Watch: a separate process polling every 0.2 s while tasks finish, until the job is cancelled.
    const watch = spawn(process.execPath, [helperPath(), "watch", String(result.jobId), "--server", farm.url, "--interval", "0.2", "--timeout", "120", "--json"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    watch.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    watch.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => watch.on("close", resolve));
    const polls = () => farm.methods.filter((m) => m === "getJobs").length;
    try {
      const start = polls();
      await until("the first poll", () => polls() >= start + 1, 60_000);
      farm.finishTasks(result.jobId, 30_000);
      await until("a poll after 30,000 tasks finished", () => polls() >= start + 2, 60_000);
      // The watcher reports progress on stderr (stdout stays one JSON document).
      await until("a progress line for 30,000 finished tasks", () => stderr.includes("30000/100000 tasks done"), 60_000);

      // Cancel while it runs.
      const cancel = await runHelper(["cancel", String(result.jobId), "--server", farm.url, "--json"]);
      expect(cancel.status, cancel.stdout).toBe(0);
      expect(cancel.json as HelperResponse).toMatchObject({ ok: true, command: "cancel", jobId: result.jobId });

      const code = await Promise.race([exited, new Promise<"hung">((r) => setTimeout(() => r("hung"), 60_000))]);
      expect(code, stderr).toBe(1); // finished, not succeeded
      const status = JSON.parse(stdout) as StatusResult;
      expect(status).toMatchObject({ ok: true, command: "status", finished: true, succeeded: false });
      expect(status.job.status).toBe("cancelled");
      expect(status.tasks).toHaveLength(BIG_JOB_TASKS);
      expect(status.counts).toEqual({ succeeded: 30_000, cancelled: 70_000 });
      expect(farm.methods.filter((m) => m === "cancelJobs")).toHaveLength(1);
    } finally {
      watch.kill("SIGKILL");
    }
  }, 240_000);
});
