// After Submit (issue 12, Lua side): the comp keeps its recent jobs, the Jobs view follows and acts on them, the
// monitor says how a job finished (one console line, the first failed task's output), all in the background.
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ErrorCode } from "../../types/request";
import type { JsonValue, StandinAction } from "../support/fusion-standin";
import { COMPS, MESSAGE, MONITOR, buildCompScript, click, close, removeRunDirs, runCompScript, stored, timers, type Run, type RunOptions } from "./comp-script-harness";

afterAll(() => removeRunDirs());
beforeAll(() => {
  buildCompScript();
});

const JOBS = "KartaLinkHQueueJobs";
/**
 * Timers for at most `seconds`: the round ends as soon as no timer is active (every answer is in). After Submit a
 * second round runs inside the monitor's own loop (the first one ends with the main dialog's).
 */
const waitFor = (seconds: number) => ({ do: "timers" as const, maxTicks: Math.ceil((seconds * 1000) / 20), sleepMs: 20 });
const ours = (data: JsonValue): Record<string, JsonValue> => ({ KartaLink: { HQueueRender: data } });

/** A run on the basic comp with `data` as its custom data (a reopened comp). */
function run(data: Record<string, JsonValue> | undefined, responses: Record<string, unknown>, actions: StandinAction[], extra: Partial<RunOptions> = {}): Promise<Run> {
  return runCompScript((dir) => ({
    comp: { file: path.join(COMPS, "lua-basic.comp"), fileName: path.join(dir, "shots", "basic.comp"), ...(data !== undefined ? { data } : {}) },
    responses,
    idleTimers: false,
    actions,
    ...extra,
  }));
}

const status = (id: number, jobStatus: string, progress: number, counts: Record<string, number>, finished: boolean, succeeded = false) => ({
  ok: true,
  command: "status",
  job: { id, name: "sh010", status: jobStatus, progress },
  tasks: [],
  taskCount: Object.values(counts).reduce((a, b) => a + b, 0),
  counts,
  finished,
  succeeded,
  url: `http://hq:5000/jobs/view/${id}`,
});

const recent = (jobs: Record<string, JsonValue>[]) => ours({ schema: 1, jobs });
const job7 = { id: 7, server: "hq:5000", submitted: 1780000000, name: "sh010", url: "http://hq:5000/jobs/view/7" };
const storedJobs = (r: Run) => stored(r.transcript.compData)?.jobs as Record<string, JsonValue>[] | undefined;

describe("the comp's recent jobs", () => {
  it("a confirmed Submit records the job (id, server, job folder, name); it survives a reopen and is listed with its status", async () => {
    const submit = { ok: true, command: "submit", jobId: 42, url: "http://localhost:5000/jobs/view/42", frameCount: 10, taskCount: 1, paused: false, jobFolder: "/mnt/hq/basic_1", warnings: [], notes: [] };
    const first = await run(undefined, { submit }, [{ do: "set", id: "JobName", prop: "Text", value: "shot 10" }, click("Submit"), close(MONITOR)]);
    expect(first.transcript.error).toBeNull();
    const list = storedJobs(first)!;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: 42, server: "localhost:5000", jobFolder: "/mnt/hq/basic_1", name: "shot 10", url: "http://localhost:5000/jobs/view/42" });
    expect(typeof list[0].submitted).toBe("number");
    // The settings are still there next to it (the list is its own key).
    expect(stored(first.transcript.compData)!.last).toBeDefined();

    // Reopen: the saved comp's data is the next run's data.
    const reopened = await run(first.transcript.compData as Record<string, JsonValue>, { status: status(42, "running", 0.4, { running: 1 }, false) }, [
      timers,
      click("OpenJobs"),
      waitFor(10),
      close(JOBS),
      click("Cancel"),
    ]);
    expect(reopened.transcript.error).toBeNull();
    const rows = reopened.item(JOBS, "JobTree").rows!;
    expect(rows).toHaveLength(1);
    expect(rows[0][0]).toBe("42");
    expect(rows[0][1]).toBe("shot 10");
    expect(rows[0][3]).toBe("running");
    expect(rows[0][4]).toBe("40%");
    expect(rows[0][5]).toBe("localhost:5000");
    expect(reopened.callsOf("status")[0].positionals).toEqual(["42"]);
    expect(reopened.callsOf("status")[0].options.server).toBe("localhost:5000");
    expect(reopened.text(JOBS, "JobDetail")).toContain("Job folder: /mnt/hq/basic_1");
    // Nothing waited for the helper on Fusion's UI thread.
    expect(reopened.transcript.slowestHandler.ms).toBeLessThan(2000);
  });

  it("the list is bounded (20, newest first) and keeps entries it cannot read where they were", async () => {
    const older = Array.from({ length: 20 }, (_, i) => ({ id: 100 - i, server: "localhost:5000" }));
    const kept = { note: "from a newer version" };
    const done = await run(recent([older[0], kept, ...older.slice(1)]), {}, [click("Submit"), close(MONITOR)]);
    expect(done.transcript.error).toBeNull();
    const list = storedJobs(done)!;
    expect(list[0]).toMatchObject({ id: 42 });
    expect(list[2]).toEqual(kept);
    expect(list.filter((e) => typeof e.id === "number")).toHaveLength(20);
    expect(list.some((e) => e.id === 81)).toBe(false); // the oldest went
  });

  it("a stored list that is not a list is left as it is, and the monitor says the job was not added", async () => {
    const done = await run(ours({ schema: 1, jobs: "hand-edited" }), {}, [click("Submit"), close(MONITOR)]);
    expect(done.transcript.error).toBeNull();
    expect(stored(done.transcript.compData)!.jobs).toBe("hand-edited");
    expect(done.text(MONITOR, "SubmitNotes")).toContain("The list of recent jobs stored in this comp is not in a form this version understands");

    // The Jobs view says so too, shows what it can read of a list with unreadable entries, and asks nothing for them.
    const view = await run(recent([{ id: "seven", server: "hq:5000" }, job7]), { status: status(7, "running", 0.5, { running: 1 }, false) }, [
      click("OpenJobs"),
      waitFor(10),
      close(JOBS),
      click("Cancel"),
    ]);
    expect(view.text(JOBS, "JobsNotices")).toBe("1 stored job entry could not be read and is not shown; it is kept as it is.");
    expect(view.item(JOBS, "JobTree").rows!.map((row) => row[0])).toEqual(["7"]);
    expect(view.callsOf("status").map((c) => c.positionals[0])).toEqual(["7"]);
  });

  it("nothing is recorded when the submission is not confirmed", async () => {
    const done = await run(undefined, {}, [timers, click("Submit"), waitFor(10), click("MessageOk"), click("Cancel")], { fakeConfig: { die: "afterSend" } });
    expect(done.window(MESSAGE).title).toBe("Submission Not Confirmed");
    expect(storedJobs(done)).toBeUndefined();
  });
});

describe("the Jobs view", () => {
  it("resumes a paused job (the selected row's id and server) and shows its new status", async () => {
    const other = { id: 9, server: "other:5000" };
    const done = await run(
      recent([other, job7]),
      { status: [status(9, "succeeded", 1, { succeeded: 1 }, true, true), status(7, "paused", 0, { paused: 2 }, false), status(7, "waiting for machine", 0, { waiting: 2 }, false)] },
      [timers, click("OpenJobs"), waitFor(10), { do: "select", id: "JobTree", row: 1, window: JOBS }, click("ResumeJob", JOBS), waitFor(10), close(JOBS), click("Cancel")],
    );
    expect(done.transcript.error).toBeNull();
    const resume = done.callsOf("resume");
    expect(resume).toHaveLength(1);
    expect(resume[0].positionals).toEqual(["7"]);
    expect(resume[0].options.server).toBe("hq:5000");
    expect(done.text(JOBS, "JobAnswer")).toBe("Job 7 was resumed (status: waiting for machine).");
    expect(done.text(JOBS, "JobsStatus")).toBe("Job 7: waiting for machine, 0%.");
    expect(done.item(JOBS, "JobTree").rows![1][3]).toBe("waiting for machine");
    // The answer was shown before the row was asked again.
    expect(done.callsOf("status").map((c) => c.positionals[0])).toEqual(["9", "7", "7"]);
  });

  it("an action while the statuses are still asked for: the hanging ask is stopped, the action goes, then the rest", async () => {
    const other = { id: 9, server: "other:5000" };
    const done = await run(
      recent([job7, other]),
      { status: [status(7, "paused", 0, { paused: 1 }, false), status(7, "running", 0.1, { running: 1 }, false), status(9, "succeeded", 1, { succeeded: 1 }, true, true)] },
      [timers, click("OpenJobs"), waitFor(0.5), click("ResumeJob", JOBS), waitFor(15), close(JOBS), click("Cancel")],
      { fakeConfig: { delays: { status: 60 }, delayOnce: true } },
    );
    expect(done.transcript.error).toBeNull();
    expect(done.transcript.executed.filter((e) => e.cmd.startsWith("kill "))).toHaveLength(1);
    expect(done.callsOf("resume").map((c) => c.positionals)).toEqual([["7"]]);
    expect(done.callsOf("status").map((c) => c.positionals[0])).toEqual(["7", "7", "9"]);
    const rows = done.item(JOBS, "JobTree").rows!;
    expect(rows.map((row) => row[3])).toEqual(["running", "succeeded"]);
    expect(done.text(JOBS, "JobAnswer")).toBe("Job 7 was resumed (status: waiting for machine).");
  });

  it("a job that was not paused: says nothing was done", async () => {
    const done = await run(recent([job7]), { resume: { ok: true, command: "resume", jobId: 7, status: "running", unchanged: "it is not paused", warnings: [] }, status: { ok: false, error: { code: "unreachable", message: "down" } } }, [
      timers,
      click("OpenJobs"),
      waitFor(10),
      click("ResumeJob", JOBS),
      waitFor(10),
      close(JOBS),
      click("Cancel"),
    ]);
    expect(done.callsOf("resume")).toHaveLength(1);
    expect(done.text(JOBS, "JobAnswer")).toBe("Job 7 was not resumed: it is not paused (status: running).");
    expect(done.text(JOBS, "JobsStatus")).toBe("Could not get the status of job 7: down");
  });

  it("retries a failed job after asking; Cancel in the question sends nothing", async () => {
    const failed = status(7, "failed", 0.5, { failed: 1, succeeded: 1 }, true);
    const declined = await run(recent([job7]), { status: failed }, [timers, click("OpenJobs"), waitFor(10), click("RetryJob", JOBS), click("KeepAsIs"), close(JOBS), click("Cancel")]);
    expect(declined.callsOf("retry")).toHaveLength(0);
    expect(declined.text(JOBS, "JobAnswer")).toBe("Nothing was retried.");

    const done = await run(recent([job7]), { status: failed }, [
      timers,
      click("OpenJobs"),
      waitFor(10),
      click("RetryJob", JOBS),
      click("ConfirmRetry"),
      waitFor(10),
      close(JOBS),
      click("Cancel"),
    ]);
    expect(done.transcript.error).toBeNull();
    expect(done.window(MESSAGE).title).toBe("Retry Failed Tasks");
    const retry = done.callsOf("retry");
    expect(retry).toHaveLength(1);
    expect(retry[0].positionals).toEqual(["7"]);
    expect(retry[0].options.server).toBe("hq:5000");
    expect(done.text(JOBS, "JobAnswer")).toBe("The server queued 1 task of job 7 again (frames 1-5).");
  });

  it("a retry the server cannot reschedule becomes a new job, recorded in the comp's list", async () => {
    const resubmitted = {
      ok: true,
      command: "retry",
      jobId: 7,
      method: "resubmitted",
      tasks: [{ id: 8, name: "Frames 1-5", status: "failed" }, { id: 9, name: "Frames 6-10", status: "cancelled" }],
      frames: "1-10",
      newJobId: 50,
      url: "http://hq:5000/jobs/view/50",
      warnings: [],
    };
    const done = await run(recent([job7]), { retry: resubmitted, status: [status(7, "failed", 0, { failed: 2 }, true), { ok: false, error: { code: "timeout", message: "slow" } }] }, [
      timers,
      click("OpenJobs"),
      waitFor(10),
      click("RetryJob", JOBS),
      click("ConfirmRetry"),
      waitFor(10),
      close(JOBS),
      click("Cancel"),
    ]);
    expect(done.transcript.error).toBeNull();
    const list = storedJobs(done)!;
    expect(list.map((e) => e.id)).toEqual([50, 7]);
    expect(list[0]).toMatchObject({ server: "hq:5000", name: "sh010 (retry)", url: "http://hq:5000/jobs/view/50" });
  });

  it("shows a retry whose answer was lost as not confirmed, never failed; a server without the call as not supported", async () => {
    const unconfirmed: ErrorCode = "submit_unconfirmed";
    const lost = await run(recent([job7]), { retry: { ok: false, error: { code: unconfirmed, message: "The helper sent the job but got no answer.", hint: "Check the web page." } } }, [
      timers,
      click("OpenJobs"),
      waitFor(10),
      click("RetryJob", JOBS),
      click("ConfirmRetry"),
      waitFor(10),
      close(JOBS),
      click("Cancel"),
    ]);
    expect(lost.callsOf("retry")).toHaveLength(1);
    const said = lost.text(JOBS, "JobAnswer");
    expect(said).toBe("Not confirmed (retry job 7): The helper sent the job but got no answer. Check the web page.");
    expect(said).not.toMatch(/fail/i);

    const unsupported: ErrorCode = "not_supported";
    const old = await run(recent([job7]), { resume: { ok: false, error: { code: unsupported, message: "This server has no resumeJobs." } } }, [
      timers,
      click("OpenJobs"),
      waitFor(10),
      click("ResumeJob", JOBS),
      waitFor(10),
      close(JOBS),
      click("Cancel"),
    ]);
    expect(old.text(JOBS, "JobAnswer")).toBe("This server does not support it (resume job 7): This server has no resumeJobs.");
  });

  it("Render Missing Frames runs resubmit --missing for the selected job's folder (hostile path), after asking", async () => {
    const folder = "/mnt/hq/it's $(x) & \"y\"/basic_1";
    const done = await run(recent([{ ...job7, jobFolder: folder }]), {}, [
      timers,
      click("OpenJobs"),
      waitFor(10),
      click("RenderMissing", JOBS),
      click("ConfirmRenderMissing"),
      waitFor(10),
      close(JOBS),
      click("Cancel"),
    ]);
    expect(done.transcript.error).toBeNull();
    const resubmit = done.callsOf("resubmit");
    expect(resubmit).toHaveLength(1);
    expect(resubmit[0].positionals).toEqual([folder]);
    expect(resubmit[0].options.missing).toBe(true);
    expect(resubmit[0].options.server).toBe("hq:5000");
    expect(done.text(JOBS, "JobAnswer")).toBe("Job 43 renders the 2 missing frames of job 7 in 2 tasks.");
    expect(storedJobs(done)!.map((e) => e.id)).toEqual([43, 7]);
  });

  it("Render Missing Frames for a job without a job folder says why and sends nothing", async () => {
    const done = await run(recent([job7]), {}, [timers, click("OpenJobs"), waitFor(10), click("RenderMissing", JOBS), close(JOBS), click("Cancel")]);
    expect(done.callsOf("resubmit")).toHaveLength(0);
    expect(done.text(JOBS, "JobAnswer")).toMatch(/^Job 7 has no job folder/);
  });

  it("opens the selected job's page and reopens its monitor", async () => {
    const done = await run(recent([job7]), { status: status(7, "running", 0.5, { running: 1, succeeded: 1 }, false) }, [
      timers,
      click("OpenJobs"),
      waitFor(1),
      click("OpenJobPage", JOBS),
      click("OpenMonitor", JOBS),
      waitFor(1),
      close(MONITOR),
      close(JOBS),
      click("Cancel"),
    ]);
    expect(done.transcript.error).toBeNull();
    expect(done.transcript.openedUrls).toEqual(["http://hq:5000/jobs/view/7"]);
    expect(done.text(MONITOR, "JobTitle")).toBe('Job 7 "sh010" on hq:5000.');
    expect(done.text(MONITOR, "Overall")).toMatch(/^Job running, 50%/);
  });

  it("an empty list says no job was submitted from this comp yet", async () => {
    const done = await run(undefined, {}, [click("OpenJobs"), close(JOBS), click("Cancel")]);
    expect(done.text(JOBS, "JobsStatus")).toMatch(/^No job has been submitted from this comp yet/);
    expect(done.callsOf("status")).toHaveLength(0);
  });
});

describe("the monitor when the job finishes", () => {
  const failedLog = {
    ok: true,
    command: "log",
    jobId: 42,
    output: "",
    tasks: [
      { id: 44, name: "Frames 1-5", status: "failed", failed: true, output: "Render Node: cannot open /mnt/hq/basic.comp", truncated: true },
      { id: 45, name: "Frames 6-10", status: "succeeded", failed: false, output: "ok", truncated: false },
    ],
    failedTaskIds: [44],
  };

  it("says the outcome, keeps the first failed task's output in view, and prints ONE console line", async () => {
    const done = await run(
      undefined,
      { status: [status(42, "running", 0.2, { running: 1, failed: 1 }, false), status(42, "failed", 0.5, { failed: 1, succeeded: 1 }, true)], log: failedLog },
      [timers, click("Submit"), waitFor(10), waitFor(15), close(MONITOR)],
    );
    expect(done.transcript.error).toBeNull();
    const lines = done.transcript.console.filter((line) => line.includes("finished"));
    expect(lines).toEqual(["KartaLink | HQueue Render: job 42 finished: failed (1 of 2 tasks failed or cancelled). http://localhost:5000/jobs/view/42"]);
    expect(done.text(MONITOR, "MonitorStatus")).toMatch(/^Job 42 has finished \(\d\d:\d\d\): failed \(1 of 2 tasks failed or cancelled\)\.$/);
    expect(done.item(MONITOR, "FailedOutput").PlainText).toBe("Render Node: cannot open /mnt/hq/basic.comp");
    expect(done.item(MONITOR, "FailedOutput").Visible).toBe(true);
    expect(done.text(MONITOR, "FailedHeading")).toBe("Output of the first failed task, Frames 1-5 (failed), last lines:");
    const logs = done.callsOf("log");
    expect(logs.length).toBeGreaterThanOrEqual(1);
    expect(logs[0].positionals).toEqual(["42"]);
    expect(logs[0].options.tail).toBe("30");
    // Polling stopped with the job: no status after the finished one.
    expect(done.callsOf("status")).toHaveLength(2);
  });

  it("a job that succeeded: one line, no failed output, Render Missing Frames offered when it has a job folder", async () => {
    const submit = { ok: true, command: "submit", jobId: 42, url: "http://localhost:5000/jobs/view/42", frameCount: 10, taskCount: 1, paused: false, jobFolder: "/mnt/hq/basic_1", warnings: [], notes: [] };
    const done = await run(undefined, { submit }, [timers, click("Submit"), waitFor(10), waitFor(10), click("MonitorRenderMissing"), click("ConfirmRenderMissing"), waitFor(10), close(MONITOR)]);
    expect(done.transcript.error).toBeNull();
    expect(done.transcript.console.filter((line) => line.includes("finished"))).toEqual([
      "KartaLink | HQueue Render: job 42 finished: every task succeeded. http://localhost:5000/jobs/view/42",
    ]);
    expect(done.item(MONITOR, "FailedOutput").Visible).toBe(false);
    expect(done.callsOf("log")).toHaveLength(0);
    expect(done.callsOf("resubmit")[0].positionals).toEqual(["/mnt/hq/basic_1"]);
    expect(done.text(MONITOR, "MonitorStatus")).toBe("Job 43 renders the 2 missing frames of job 42 in 2 tasks.");
  });

  it("a job reopened already finished prints nothing (it did not finish while followed)", async () => {
    const done = await run(recent([job7]), { status: status(7, "succeeded", 1, { succeeded: 1 }, true, true) }, [
      timers,
      click("OpenJobs"),
      waitFor(10),
      click("OpenMonitor", JOBS),
      waitFor(10),
      close(MONITOR),
      close(JOBS),
      click("Cancel"),
    ]);
    expect(done.transcript.error).toBeNull();
    expect(done.text(MONITOR, "MonitorStatus")).toBe("Job 7 has finished: every task succeeded.");
    expect(done.transcript.console.filter((line) => line.includes("finished"))).toEqual([]);
  });
});

