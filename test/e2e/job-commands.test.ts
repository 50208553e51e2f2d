// After Submit (issue 12): jobs, pause, resume, retry, log and priority, run as the BUILT helper against the HQueue
// stand-in, which renders with the Fusion Render Node stand-in; and against a stand-in without the optional calls
// rescheduleJobs / reprioritizeJobs (a fault = not supported).
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { userInfo, tmpdir } from "node:os";
import { createServer, request } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobControlResult, JobsResult, LogResult, PriorityResult, RetryResult, StatusResult, SubmitResult } from "../../types/request";
import { type HQueueStandin, startHQueueStandin } from "../support/hqueue-standin";
import { renderingRequest } from "../support/render-request";
import type { RequestOverrides } from "../support/requests";
import { runHelper, writeRequest } from "../support/run-helper";

let standin: HQueueStandin;
/**
 * A server without the calls the docs only name in their overview ([R] in hqueue.md), which reports the job-spec keys
 * (command, submittedBy, …) as attributes: undocumented, so `specAttribs` turns it on.
 */
let bare: HQueueStandin;

beforeAll(async () => {
  standin = await startHQueueStandin({ port: 0 });
  bare = await startHQueueStandin({ port: 0, without: ["rescheduleJobs", "reprioritizeJobs"], firstJobId: 500, specAttribs: true });
});
afterAll(async () => {
  await standin?.close();
  await bare?.close();
});

async function submit(server: HQueueStandin, prefix: string, job: RequestOverrides["job"]): Promise<{ id: number; project: string }> {
  const { request, project } = renderingRequest(server.url, prefix, job);
  const run = await runHelper(["submit", "--request", writeRequest(request), "--json"]);
  expect(run.status, run.stdout + run.stderr).toBe(0);
  return { id: (run.json as SubmitResult).jobId, project };
}

async function watch(server: HQueueStandin, id: number): Promise<{ status: number | null; result: StatusResult }> {
  const run = await runHelper(["watch", String(id), "--server", server.url, "--interval", "0.1", "--json"], { timeoutMs: 30000 });
  return { status: run.status, result: run.json as StatusResult };
}

/** The frame ranges the render-node stand-in was started with, in order (FUSION_STANDIN_RECORD lines). */
function renderedRanges(record: string): string[] {
  if (!existsSync(record)) return [];
  return readFileSync(record, "utf8").trim().split("\n").map((line) => {
    const argv = (JSON.parse(line) as { argv: string[] }).argv;
    return `${argv[argv.indexOf("-start") + 1]}-${argv[argv.indexOf("-end") + 1]}`;
  }).sort();
}

/** A job of frames 1-6 in tasks of 2 whose task 3-4 fails at frame 3 until `fix` exists. */
async function failingJob(server: HQueueStandin, prefix: string): Promise<{ id: number; project: string; record: string; fix: string }> {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}files-`));
  const record = join(dir, "renders.jsonl");
  const fix = join(dir, "fixed");
  const job = await submit(server, prefix, {
    frames: { kind: "custom", set: "1-6" },
    framesPerTask: 2,
    environment: { FUSION_STANDIN_FAIL_AT: "3", FUSION_STANDIN_FAIL_UNLESS: fix, FUSION_STANDIN_RECORD: record },
  });
  const first = await watch(server, job.id);
  expect(first.status).toBe(1);
  expect(first.result.counts).toEqual({ succeeded: 2, failed: 1 });
  return { ...job, record, fix };
}

describe("log", () => {
  it("of a failed job shows the failing task's output first, with its reason", async () => {
    const { id } = await failingJob(standin, "hq-log-");
    const run = await runHelper(["log", String(id), "--server", standin.url, "--json"]);
    expect(run.status).toBe(0);
    const log = run.json as LogResult;
    const failed = standin.jobs.get(id)!.childIds.find((c) => standin.jobs.get(c)!.status === "failed")!;
    expect(log.failedTaskIds).toEqual([failed]);
    expect(log.tasks![0]).toMatchObject({ id: failed, name: "Frames 3-4", status: "failed", failed: true });
    expect(log.tasks![0].output).toContain("frame 3 could not be rendered");
    // The failed task comes before the parent's "Child job(s) did not succeed" and before the tasks that succeeded.
    const text = log.output;
    expect(text.indexOf("could not be rendered")).toBeGreaterThan(-1);
    expect(text.indexOf("could not be rendered")).toBeLessThan(text.indexOf("Child job(s) did not succeed"));
    expect(text.indexOf("could not be rendered")).toBeLessThan(text.indexOf("Frames 1-2"));

    const human = await runHelper(["log", String(id), "--server", standin.url, "--task", String(failed), "--tail", "2"]);
    expect(human.status).toBe(0);
    expect(human.stdout).toContain(`===== task ${failed} Frames 3-4 (failed) — last lines =====`);
    expect(human.stdout.trim().split("\n")).toHaveLength(3);
    expect(human.stdout).toContain("command exited with status 10");
  });

  it("of a job that does not exist is not_found (stand-in faults), and --task must be one of the job's tasks", async () => {
    const run = await runHelper(["log", "987654", "--server", standin.url, "--json"]);
    expect(run.status).toBe(1);
    expect(run.json).toMatchObject({ ok: false, error: { code: "not_found" } });
    const { id } = await submit(standin, "hq-log-task-", { frames: { kind: "custom", set: "1-2" }, framesPerTask: 1 });
    const wrong = await runHelper(["log", String(id), "--task", String(id + 100), "--server", standin.url, "--json"]);
    expect(wrong.status).toBe(1);
    expect(wrong.json).toMatchObject({ ok: false, error: { code: "not_found" } });
  });
});

describe("pause and resume", () => {
  it("a job submitted paused renders nothing until it is resumed from the command line", async () => {
    const { id, project } = await submit(standin, "hq-resume-", { frames: { kind: "custom", set: "1-4" }, framesPerTask: 2, paused: true });
    await new Promise((r) => setTimeout(r, 300));
    expect(standin.jobs.get(id)!.status).toBe("paused");
    expect(existsSync(join(project, "render"))).toBe(false);
    const resume = await runHelper(["resume", String(id), "--server", standin.url, "--json"]);
    expect(resume.status).toBe(0);
    const result = resume.json as JobControlResult;
    expect(result).toMatchObject({ ok: true, command: "resume", jobId: id });
    expect(result.status).not.toBe("paused");
    const done = await watch(standin, id);
    expect(done.status).toBe(0);
    expect(readdirSync(join(project, "render")).sort()).toEqual(["shot.0001.png", "shot.0002.png", "shot.0003.png", "shot.0004.png"]);
    const again = await runHelper(["resume", String(id), "--server", standin.url]);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(`Job ${id} has already finished (succeeded); nothing was resumed.`);
  });

  it("pause stops a running job, resume lets it finish", async () => {
    const { id, project } = await submit(standin, "hq-pause-", { frames: { kind: "custom", set: "1-4" }, framesPerTask: 2, environment: { FUSION_STANDIN_FRAME_MS: "1000" } });
    const pause = await runHelper(["pause", String(id), "--server", standin.url]);
    expect(pause.status).toBe(0);
    expect(pause.stdout).toContain(`Paused job ${id} and its tasks (status now: paused).`);
    const job = standin.jobs.get(id)!;
    expect(job.childIds.map((c) => standin.jobs.get(c)!.status)).toEqual(["paused", "paused"]);
    const written = (): number => (existsSync(join(project, "render")) ? readdirSync(join(project, "render")).length : 0);
    const whilePaused = written();
    await new Promise((r) => setTimeout(r, 2500));
    expect(written()).toBe(whilePaused);
    expect((await runHelper(["resume", String(id), "--server", standin.url])).status).toBe(0);
    expect((await watch(standin, id)).status).toBe(0);
    expect(written()).toBe(4);
  });
});

describe("retry", () => {
  for (const variant of ["rescheduled", "resubmitted"] as const) {
    it(`renders again only the failed task's frames (${variant === "rescheduled" ? "rescheduleJobs" : "a server without rescheduleJobs: a new job"})`, async () => {
      const server = variant === "rescheduled" ? standin : bare;
      const { id, project, record, fix } = await failingJob(server, `hq-retry-${variant}-`);
      expect(renderedRanges(record)).toEqual(["1-2", "3-4", "5-6"]);
      writeFileSync(fix, "the artist fixed the comp");
      const run = await runHelper(["retry", String(id), "--server", server.url, "--json"]);
      expect(run.status, run.stdout + run.stderr).toBe(0);
      const result = run.json as RetryResult;
      expect(result).toMatchObject({ ok: true, command: "retry", jobId: id, method: variant, frames: "3-4" });
      expect(result.tasks.map((t) => [t.name, t.status])).toEqual([["Frames 3-4", "failed"]]);
      const followed = variant === "rescheduled" ? id : result.newJobId!;
      if (variant === "resubmitted") {
        expect(followed).not.toBe(id);
        const spec = server.jobs.get(followed)!;
        expect(spec.name).toContain(`(retry of job ${id})`);
        expect(spec.childIds.map((c) => server.jobs.get(c)!.name)).toEqual(["Frames 3-4"]);
        // The same command, so exactly the same frames, comp and render node.
        const old = server.jobs.get(id)!.childIds.map((c) => server.jobs.get(c)!).find((c) => c.name === "Frames 3-4")!;
        expect(server.jobs.get(spec.childIds[0])!.command).toEqual(old.command);
      }
      const done = await watch(server, followed);
      expect(done.status).toBe(0);
      expect(renderedRanges(record)).toEqual(["1-2", "3-4", "3-4", "5-6"]);
      expect(readdirSync(join(project, "render")).sort()).toEqual(["1", "2", "3", "4", "5", "6"].map((f) => `shot.000${f}.png`));
      const nothing = await runHelper(["retry", String(followed), "--server", server.url]);
      expect(nothing.status).toBe(0);
      expect(nothing.stdout).toContain("nothing to retry");
    });
  }

  it("without rescheduleJobs and without the tasks' commands: nothing is submitted, and the frames to submit again are named", async () => {
    const blind = await startHQueueStandin({ port: 0, without: ["rescheduleJobs"], withoutAttribs: ["command"] });
    try {
      const { id } = await failingJob(blind, "hq-retry-blind-");
      const jobsBefore = blind.jobs.size;
      const run = await runHelper(["retry", String(id), "--server", blind.url, "--json"]);
      expect(run.status).toBe(1);
      expect(run.json).toMatchObject({ ok: false, error: { code: "not_supported" } });
      if (run.json && !run.json.ok) {
        expect(run.json.error.message).toContain("Nothing was submitted");
        expect(run.json.error.hint).toContain("--frames 3-4");
      }
      expect(blind.jobs.size).toBe(jobsBefore);
    } finally {
      await blind.close();
    }
  });

  it("a reschedule whose answer is lost is never followed by a new job", async () => {
    const { id, fix } = await failingJob(standin, "hq-retry-lost-");
    writeFileSync(fix, "");
    // In front of the stand-in: forwards everything, but swallows the answer to rescheduleJobs.
    const proxy = createServer((req, res) => {
      let body = "";
      req.setEncoding("utf8").on("data", (d) => (body += d));
      req.on("end", () => {
        const forward = request(`${standin.url}/RPC2`, { method: "POST", headers: { "Content-Type": "text/xml" } }, (answer) => {
          let text = "";
          answer.setEncoding("utf8").on("data", (d) => (text += d));
          answer.on("end", () => {
            if (body.includes("<methodName>rescheduleJobs</methodName>")) return; // never answered
            res.writeHead(200, { "Content-Type": "text/xml" });
            res.end(text);
          });
        });
        forward.end(body);
      });
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
    try {
      const newjobsBefore = standin.calls.filter((c) => c.method === "newjob").length;
      const port = (proxy.address() as { port: number }).port;
      const run = await runHelper(["retry", String(id), "--server", `127.0.0.1:${port}`, "--timeout", "1", "--json"]);
      expect(run.status).toBe(1);
      expect(run.json).toMatchObject({ ok: false, error: { code: "timeout" } });
      if (run.json && !run.json.ok) expect(run.json.error.message).toContain("may or may not have been rescheduled");
      expect(standin.calls.filter((c) => c.method === "newjob").length).toBe(newjobsBefore);
    } finally {
      proxy.closeAllConnections();
      await new Promise<void>((r) => proxy.close(() => r()));
    }
  });

  it("matches each task to its own answer when the server answers getJobs in another order (status, log, jobs, retry)", async () => {
    const rotated = await startHQueueStandin({ port: 0, rotateGetJobs: true });
    try {
      const { id, fix } = await failingJob(rotated, "hq-rotated-");
      const tasks = rotated.jobs.get(id)!.childIds;
      const failed = tasks.find((c) => rotated.jobs.get(c)!.status === "failed")!;
      const status = (await runHelper(["status", String(id), "--server", rotated.url, "--json"])).json as StatusResult;
      expect(status.tasks.map((t) => [t.id, t.name])).toEqual(tasks.map((c) => [c, rotated.jobs.get(c)!.name]));
      const log = (await runHelper(["log", String(id), "--server", rotated.url, "--json"])).json as LogResult;
      expect(log.failedTaskIds).toEqual([failed]);
      await runHelper(["submit", "--request", writeRequest(renderingRequest(rotated.url, "hq-rotated-2-", { frames: { kind: "custom", set: "1" } }).request), "--json"]);
      const jobs = (await runHelper(["jobs", "--all-users", "--server", rotated.url, "--json"])).json as JobsResult;
      expect(jobs.jobs.length).toBeGreaterThanOrEqual(2);
      for (const j of jobs.jobs) {
        expect(j.url.endsWith(`/jobs/view/${j.id}`)).toBe(true);
        expect(j.name).toBe(rotated.jobs.get(j.id)!.name);
      }
      writeFileSync(fix, "");
      const retry = (await runHelper(["retry", String(id), "--server", rotated.url, "--json"])).json as RetryResult;
      expect(retry.tasks.map((t) => [t.id, t.name, t.status])).toEqual([[failed, "Frames 3-4", "failed"]]);
    } finally {
      await rotated.close();
    }
  });

  it("retried twice on a server without rescheduleJobs: the second refuses, naming the first retry's job; --again submits once more", async () => {
    const { id } = await failingJob(bare, "hq-retry-twice-");
    const first = await runHelper(["retry", String(id), "--server", bare.url, "--json"]);
    expect(first.status, first.stdout + first.stderr).toBe(0);
    const firstJob = (first.json as RetryResult).newJobId!;
    const newjobs = () => bare.calls.filter((c) => c.method === "newjob").length;
    const before = newjobs();
    const second = await runHelper(["retry", String(id), "--server", bare.url, "--json"]);
    expect(second.status).toBe(2);
    if (second.json && !second.json.ok) {
      expect(second.json.error.message).toContain(`job ${firstJob}`);
      expect(second.json.error.hint).toContain("--again");
    }
    expect(newjobs()).toBe(before);
    const again = await runHelper(["retry", String(id), "--again", "--server", bare.url, "--json"]);
    expect(again.status, again.stdout + again.stderr).toBe(0);
    expect((again.json as RetryResult).newJobId).not.toBe(firstJob);
    expect(newjobs()).toBe(before + 1);
  });

  it("without rescheduleJobs, on a server that reports the tasks' command but not their other settings: nothing is submitted, the missing keys are named", async () => {
    const partial = await startHQueueStandin({ port: 0, without: ["rescheduleJobs"], specAttribs: ["command"] });
    try {
      const { id } = await failingJob(partial, "hq-retry-partial-");
      const jobsBefore = partial.jobs.size;
      const run = await runHelper(["retry", String(id), "--server", partial.url, "--json"]);
      expect(run.status).toBe(1);
      expect(run.json).toMatchObject({ ok: false, error: { code: "not_supported" } });
      if (run.json && !run.json.ok) {
        for (const key of ["environment", "cpus", "triesLeft"]) expect(run.json.error.message).toContain(key);
        expect(run.json.error.message).toContain("Nothing was submitted");
        expect(run.json.error.hint).toContain("--frames 3-4");
      }
      expect(partial.jobs.size).toBe(jobsBefore);
    } finally {
      await partial.close();
    }
  });

  it("a rescheduleJobs that rescheduled the tasks and then answered a fault: they are not submitted again", async () => {
    const { id, fix } = await failingJob(standin, "hq-retry-fault-");
    writeFileSync(fix, "");
    const fault =
      "<?xml version='1.0'?><methodResponse><fault><value><struct><member><name>faultCode</name><value><int>1</int></value></member>" +
      "<member><name>faultString</name><value><string>&lt;class 'Exception'&gt;:half done</string></value></member></struct></value></fault></methodResponse>";
    // In front of the stand-in: forwards everything, but answers rescheduleJobs (which the stand-in carried out) with a fault.
    const proxy = createServer((req, res) => {
      let body = "";
      req.setEncoding("utf8").on("data", (d) => (body += d));
      req.on("end", () => {
        const forward = request(`${standin.url}/RPC2`, { method: "POST", headers: { "Content-Type": "text/xml" } }, (answer) => {
          let text = "";
          answer.setEncoding("utf8").on("data", (d) => (text += d));
          answer.on("end", () => {
            res.writeHead(200, { "Content-Type": "text/xml" });
            res.end(body.includes("<methodName>rescheduleJobs</methodName>") ? fault : text);
          });
        });
        forward.end(body);
      });
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
    try {
      const newjobsBefore = standin.calls.filter((c) => c.method === "newjob").length;
      const port = (proxy.address() as { port: number }).port;
      const run = await runHelper(["retry", String(id), "--server", `127.0.0.1:${port}`, "--json"]);
      expect(run.status, run.stdout + run.stderr).toBe(0);
      const result = run.json as RetryResult;
      expect(result).toMatchObject({ method: "rescheduled", frames: "3-4" });
      expect(result.warnings.join(" ")).toContain("unverified");
      expect(result.warnings.join(" ")).toContain("no longer failed");
      expect(standin.calls.filter((c) => c.method === "newjob").length).toBe(newjobsBefore);
      expect((await watch(standin, id)).status).toBe(0);
    } finally {
      proxy.closeAllConnections();
      await new Promise<void>((r) => proxy.close(() => r()));
    }
  });

  it("says which was done, in words", async () => {
    const { id, fix } = await failingJob(bare, "hq-retry-words-");
    writeFileSync(fix, "");
    const run = await runHelper(["retry", String(id), "--server", bare.url]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`cannot reschedule tasks, so a new job was submitted: job \\d+ renders the 1 task\\(s\\) \\(frames 3-4\\) that failed in job ${id}`));
  });
});

describe("priority", () => {
  it("changes the job's and its tasks' priority where the server supports it, and says so where it does not", async () => {
    for (const server of [standin, bare]) {
      const { request } = renderingRequest(server.url, "hq-prio-", { frames: { kind: "custom", set: "1-2" }, framesPerTask: 1, paused: true });
      const id = ((await runHelper(["submit", "--request", writeRequest(request), "--json"])).json as SubmitResult).jobId;
      const run = await runHelper(["priority", String(id), "8", "--server", server.url, "--json"]);
      if (server === standin) {
        expect(run.status).toBe(0);
        expect(run.json as PriorityResult).toEqual({ ok: true, command: "priority", jobId: id, priority: 8, previous: 5, warnings: [] });
        expect(server.jobs.get(id)!.childIds.map((c) => server.jobs.get(c)!.priority)).toEqual([8, 8]);
      } else {
        expect(run.status).toBe(1);
        expect(run.json).toMatchObject({ ok: false, error: { code: "not_supported" } });
        expect(server.jobs.get(id)!.priority).toBe(5);
      }
      await runHelper(["cancel", String(id), "--server", server.url]);
    }
  });

  it("refuses a priority outside 0-10 before calling the server", async () => {
    const before = standin.calls.length;
    const run = await runHelper(["priority", "1", "11", "--server", standin.url, "--json"]);
    expect(run.status).toBe(2);
    expect(standin.calls.length).toBe(before);
  });
});

describe("jobs", () => {
  it("lists my recent root jobs, newest first, with status and progress; filters by status, name and user (a server that reports submittedBy)", async () => {
    const farm = await startHQueueStandin({ port: 0, specAttribs: true });
    try {
      const a = await submit(farm, "hq-jobs-a-", { name: "alpha shot", frames: { kind: "custom", set: "1-2" }, framesPerTask: 1 });
      expect((await watch(farm, a.id)).status).toBe(0);
      const b = await submit(farm, "hq-jobs-b-", { name: "beta shot", frames: { kind: "custom", set: "1-2" }, framesPerTask: 1, paused: true });
      const me = userInfo().username;
      const run = await runHelper(["jobs", "--server", farm.url, "--json"]);
      expect(run.status).toBe(0);
      const list = run.json as JobsResult;
      expect(list.user).toBe(me);
      expect(list.notes).toEqual([]);
      expect(list.jobs.map((j) => [j.id, j.status, j.progress, j.submittedBy])).toEqual([
        [b.id, "paused", 0, me],
        [a.id, "succeeded", 1, me],
      ]);
      expect(list.jobs[1].name).toContain("alpha shot");
      expect(list.jobs[1].url).toBe(`${farm.url}/jobs/view/${a.id}`);
      const paused = await runHelper(["jobs", "--server", farm.url, "--status", "paused", "--json"]);
      expect((paused.json as JobsResult).jobs.map((j) => j.id)).toEqual([b.id]);
      expect(farm.calls.some((c) => c.method === "getJobIdsBySatus")).toBe(true);
      const named = await runHelper(["jobs", "--server", farm.url, "--name", "ALPHA", "--json"]);
      expect((named.json as JobsResult).jobs.map((j) => j.id)).toEqual([a.id]);
      const other = await runHelper(["jobs", "--server", farm.url, "--user", "someone-else", "--json"]);
      expect((other.json as JobsResult).jobs).toEqual([]);
      const human = await runHelper(["jobs", "--server", farm.url, "--all-users"]);
      expect(human.status).toBe(0);
      expect(human.stdout).toMatch(new RegExp(`^\\s+${b.id}\\s+paused\\s+0%\\s+5\\s+\\S+ \\S+\\s+${me}\\s+beta shot`, "m"));
    } finally {
      await farm.close();
    }
  });

  it("says so when the server does not report who submitted a job (the documented attributes), and refuses an explicit --user", async () => {
    const farm = await startHQueueStandin({ port: 0, runJobs: false });
    try {
      const { request } = renderingRequest(farm.url, "hq-jobs-nouser-", { frames: { kind: "custom", set: "1" }, framesPerTask: 1 });
      const id = ((await runHelper(["submit", "--request", writeRequest(request), "--json"])).json as SubmitResult).jobId;
      const run = await runHelper(["jobs", "--server", farm.url, "--json"]);
      expect(run.status).toBe(0);
      const list = run.json as JobsResult;
      expect(list.user).toBeNull();
      expect(list.notes.join(" ")).toContain("does not report who submitted a job (submittedBy), so every user's jobs are listed");
      expect(list.jobs.map((j) => j.id)).toEqual([id]);
      const human = await runHelper(["jobs", "--server", farm.url]);
      expect(human.stdout).toContain("note: This server does not report who submitted a job");
      const explicit = await runHelper(["jobs", "--user", "ann", "--server", farm.url, "--json"]);
      expect(explicit.status).toBe(1);
      expect(explicit.json).toMatchObject({ ok: false, error: { code: "not_supported" } });
    } finally {
      await farm.close();
    }
  });

  it("never counts a job without a submitter as the user's", async () => {
    const farm = await startHQueueStandin({ port: 0, runJobs: false, specAttribs: true });
    try {
      const { request } = renderingRequest(farm.url, "hq-jobs-nil-", { frames: { kind: "custom", set: "1" }, framesPerTask: 1 });
      const id = ((await runHelper(["submit", "--request", writeRequest(request), "--json"])).json as SubmitResult).jobId;
      farm.jobs.get(id)!.submittedBy = null;
      const run = await runHelper(["jobs", "--server", farm.url, "--json"]);
      expect((run.json as JobsResult).jobs).toEqual([]);
      const all = await runHelper(["jobs", "--all-users", "--server", farm.url, "--json"]);
      expect((all.json as JobsResult).jobs.map((j) => j.id)).toEqual([id]);
    } finally {
      await farm.close();
    }
  });

  it("every command answers not_found for a job id the server does not know", async () => {
    for (const args of [["pause", "987654"], ["resume", "987654"], ["retry", "987654"], ["priority", "987654", "3"], ["log", "987654"]]) {
      const run = await runHelper([...args, "--server", standin.url, "--json"]);
      expect(run.status, args.join(" ")).toBe(1);
      expect(run.json, args.join(" ")).toMatchObject({ ok: false, error: { code: "not_found" } });
    }
  });

  it("every new command has --help with an example", async () => {
    for (const name of ["jobs", "pause", "resume", "retry", "log", "priority"]) {
      const run = await runHelper([name, "--help"]);
      expect(run.status).toBe(0);
      expect(run.stdout).toContain(`usage: hqueue-helper ${name}`);
      expect(run.stdout).toMatch(new RegExp(`examples:\\n  hqueue-helper ${name} \\d*`));
    }
  });
});
