// The helper runs in the background (contract-8): a hanging or slow helper never blocks the dialog, Stop works, and
// a helper that dies or loses its answer around newjob is reported as "Submission Not Confirmed", never as failed.
import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAIN, MESSAGE, MONITOR, buildCompScript, click, removeRunDirs, runCompScript, stored, timers, type Run } from "./comp-script-harness";

afterAll(() => removeRunDirs());
beforeAll(() => {
  buildCompScript();
});

/** Timers run for about `seconds` (20 ms between rounds in the stand-in, plus the time the ticks take). */
const waitFor = (seconds: number) => ({ do: "timers" as const, maxTicks: Math.ceil((seconds * 1000) / 20), sleepMs: 20 });
/** The first `timers` proves to the script that timers fire here, so every later helper run is in the background. */
const settle = timers;

/** Every helper process of the run has ended (its exit marker was written and the script removed its files). */
function leftovers(run: Run): string[] {
  return fs.readdirSync(run.dir).filter((name) => name.startsWith("kartalink-hqueue-"));
}

describe("a hanging helper", () => {
  it("Test server: the dialog keeps handling events, says what it waits for, and Stop ends the helper", async () => {
    const started = Date.now();
    const run = await runCompScript({
      fakeConfig: { delays: { ping: 60 } },
      idleTimers: false,
      actions: [settle, click("TestServer"), waitFor(3), { do: "set", id: "JobName", prop: "Text", value: "typed while waiting" }, waitFor(0.5)],
    });
    expect(run.transcript.error).toBeNull();
    // Nothing waited for the 60 s helper: the run, the handlers and the typing went on.
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(run.transcript.slowestHandler.ms).toBeLessThan(2000);
    expect(run.item(MAIN, "JobName").Text).toBe("typed while waiting");
    const status = run.text(MAIN, "Status");
    expect(status).toMatch(/^Contacting localhost:5000… \(\d+ s; given up after 40 s\)\. Fusion stays usable; click Stop to give up now\.$/);
    expect(run.item(MAIN, "StopHelper").Visible).toBe(true);
  });

  it("Stop kills the helper (its pid from the phase file) and says it stopped", async () => {
    const started = Date.now();
    const run = await runCompScript({
      fakeConfig: { delays: { ping: 60 } },
      idleTimers: false,
      actions: [settle, click("TestServer"), waitFor(1), click("StopHelper"), waitFor(3)],
    });
    expect(run.transcript.error).toBeNull();
    expect(Date.now() - started).toBeLessThan(30_000);
    const kills = run.transcript.executed.filter((e) => /^kill \d+ >\/dev\/null 2>&1 &$/.test(e.cmd));
    expect(kills).toHaveLength(1);
    expect(run.text(MAIN, "ServerStatus")).toBe("Stopped.");
    expect(run.item(MAIN, "StopHelper").Visible).toBe(false);
    expect(leftovers(run)).toEqual([]);
  });

  it("a plan that hangs: Submit waits for it instead of piling up helpers; Stop ends it, then Submit goes", async () => {
    const run = await runCompScript({
      // The first plan (from the debounce timer) hangs; the next ones answer at once.
      responses: {},
      fakeConfig: { delays: { plan: 60 }, delayOnce: true },
      idleTimers: false,
      actions: [settle, click("Submit"), click("Submit"), waitFor(0.5), click("StopHelper"), waitFor(3)],
    });
    expect(run.transcript.error).toBeNull();
    // One hanging plan, stopped; Submit then planned again and submitted.
    expect(run.callsOf("plan")).toHaveLength(2);
    expect(run.callsOf("submit")).toHaveLength(1);
    // Exactly one kill before the submit went out: the hanging plan's. (Later kills may stop the monitor's own status
    // run when the test closes the windows on a slow machine; they are not this test's concern.)
    const executed = run.transcript.executed.map((e) => e.cmd);
    const submitAt = executed.findIndex((cmd) => cmd.includes(" submit "));
    expect(submitAt).toBeGreaterThan(0);
    expect(executed.slice(0, submitAt).filter((cmd) => cmd.startsWith("kill "))).toHaveLength(1);
    expect(run.hasWindow(MONITOR)).toBe(true);
  });
});

describe("unconfirmed means unconfirmed", () => {
  const submitRun = (fakeConfig: Record<string, unknown>, after: ReturnType<typeof click>[] = [click("MessageOk")]) =>
    runCompScript({ fakeConfig, idleTimers: false, actions: [settle, click("Submit"), waitFor(3), ...after] });

  it("helper killed just BEFORE newjob: failed, nothing was sent, safe to submit again", async () => {
    const run = await submitRun({ die: "beforeSend" });
    expect(run.transcript.error).toBeNull();
    expect(run.callsOf("submit")).toHaveLength(1);
    expect(run.window(MESSAGE).title).toBe("Submission Failed");
    expect(run.text(MESSAGE, "MessageText")).toContain("It had not sent the job, so nothing was submitted; it is safe to submit again.");
    expect(run.hasWindow(MONITOR)).toBe(false);
    expect(leftovers(run)).toEqual([]);
  });

  it("helper killed just AFTER newjob was sent: Submission Not Confirmed, the job list to check, nothing remembered", async () => {
    const run = await submitRun({ die: "afterSend" }, [click("OpenJobPage")]);
    expect(run.transcript.error).toBeNull();
    expect(run.window(MESSAGE).title).toBe("Submission Not Confirmed");
    const text = run.text(MESSAGE, "MessageText");
    expect(text).toContain("The job may or may not have been created.");
    expect(text).toContain("Open http://localhost:5000/ and look for the job before submitting again");
    expect(text).not.toMatch(/fail/i);
    expect(run.item(MESSAGE, "OpenJobPage").Text).toBe("Open Job List");
    expect(run.transcript.openedUrls).toEqual(["http://localhost:5000/"]);
    expect(run.text(MAIN, "Status")).toMatch(/^Submission not confirmed: /);
    expect(run.hasWindow(MONITOR)).toBe(false);
    // Not remembered as a submission (nor as a failure): the comp's last settings and the studio facts are untouched.
    expect(stored(run.transcript.compData)?.last).toBeUndefined();
    expect(stored(run.transcript.fuData)?.server).toBeUndefined();
  });

  it("helper killed after newjob ANSWERED: names the job and opens its page", async () => {
    const run = await submitRun({ die: "afterAnswer" }, [click("OpenJobPage")]);
    expect(run.transcript.error).toBeNull();
    expect(run.window(MESSAGE).title).toBe("Submission Not Confirmed");
    expect(run.text(MESSAGE, "MessageText")).toContain("The server created job 42.");
    expect(run.item(MESSAGE, "OpenJobPage").Text).toBe("Open Job Page");
    expect(run.transcript.openedUrls).toEqual(["http://localhost:5000/jobs/view/42"]);
  });

  it("a truncated response file after newjob: Submission Not Confirmed", async () => {
    const run = await submitRun({ truncate: "submit" });
    expect(run.transcript.error).toBeNull();
    expect(run.window(MESSAGE).title).toBe("Submission Not Confirmed");
    expect(run.hasWindow(MONITOR)).toBe(false);
  });

  it("the same without timers (the handler waits, bounded): still not confirmed, never failed", async () => {
    const run = await runCompScript({ fakeConfig: { die: "afterSend" }, idleTimers: false, actions: [click("Submit"), click("MessageOk")] });
    expect(run.transcript.error).toBeNull();
    expect(run.window(MESSAGE).title).toBe("Submission Not Confirmed");
  });

  it("Stop after the job was sent is not a failure either", async () => {
    const run = await runCompScript({
      fakeConfig: { delays: { submit: 60 } },
      idleTimers: false,
      actions: [settle, click("Submit"), waitFor(1), click("StopHelper"), waitFor(3), click("MessageOk")],
    });
    expect(run.transcript.error).toBeNull();
    expect(run.window(MESSAGE).title).toBe("Submission Not Confirmed");
    expect(run.text(MESSAGE, "MessageText")).toContain("You stopped the helper after it had sent the job to the server.");
  });
});

describe("clicking Submit again", () => {
  it("while Submit's own plan is running: one plan, one submission", async () => {
    const run = await runCompScript({
      fakeConfig: { delays: { plan: 1 } },
      idleTimers: false,
      // The silent edit makes Submit plan again (the debounce timer's plan was of the old name).
      actions: [settle, waitFor(2), { do: "set", id: "JobName", prop: "Text", value: "changed", silent: true }, click("Submit"), click("Submit"), click("Submit"), waitFor(4)],
    });
    expect(run.transcript.error).toBeNull();
    expect(run.callsOf("plan")).toHaveLength(2);
    expect(run.callsOf("submit")).toHaveLength(1);
    expect(run.callsOf("submit")[0].request!.job.name).toBe("changed");
  });
});

describe("closing while a submission is on its way", () => {
  it("Cancel asks to wait (the answer says whether the job exists); the answer then arrives and the monitor opens", async () => {
    const run = await runCompScript({
      fakeConfig: { delays: { submit: 1 } },
      idleTimers: false,
      actions: [settle, click("Submit"), waitFor(0.3), click("Cancel"), click("MessageOk"), waitFor(4)],
    });
    expect(run.transcript.error).toBeNull();
    const titles = run.transcript.windows.filter((w) => /^KartaLinkHQueueMessage\d+$/.test(w.id)).map((w) => w.title);
    expect(titles).toEqual(["Submission in Progress"]);
    expect(run.hasWindow(MONITOR)).toBe(true);
    expect(run.text(MONITOR, "JobTitle")).toBe("Submitted job 42: 10 frames in 1 task.");
  });
});

describe("the monitor with a slow server", () => {
  it("keeps the monitor responsive while a status takes seconds, then shows it", async () => {
    const done = {
      ok: true,
      command: "status",
      job: { id: 42, name: "fake", status: "succeeded", progress: 1 },
      tasks: [{ id: 43, name: "Frames 1-10", status: "succeeded", progress: 1 }],
      counts: { succeeded: 1 },
      taskCount: 1,
      finished: true,
      succeeded: true,
      url: "http://localhost:5000/jobs/view/42",
    };
    const run = await runCompScript({
      responses: { status: done },
      fakeConfig: { delays: { status: 3 } },
      idleTimers: false,
      actions: [settle, click("Submit"), waitFor(0.5), click("CancelJob", MONITOR), click("KeepJob"), waitFor(6)],
    });
    expect(run.transcript.error).toBeNull();
    expect(run.transcript.slowestHandler.ms).toBeLessThan(2000);
    expect(run.text(MONITOR, "Overall")).toContain("Finished: every task succeeded.");
    expect(run.callsOf("cancel")).toEqual([]);
  });
});

describe("the live frames summary", () => {
  it("typing in the frames fields starts no process: the summary is computed in the script", async () => {
    const run = await runCompScript({
      idleTimers: false,
      actions: [
        settle,
        waitFor(1),
        { do: "set", id: "CustomFrames", prop: "Text", value: "1-" },
        { do: "set", id: "CustomFrames", prop: "Text", value: "1-10" },
        { do: "set", id: "CustomFrames", prop: "Text", value: "1-10x2" },
        { do: "set", id: "FramesPerTask", prop: "Value", value: 2 },
        waitFor(1),
      ],
    });
    expect(run.transcript.error).toBeNull();
    // Only the plan the dialog made when it opened (its debounce timer) started a process.
    expect(run.transcript.executed).toHaveLength(1);
    expect(run.callsOf("plan")).toHaveLength(1);
    // The fake helper's plan says "10 frames in 1 task": this is the script's own count of 1-10x2 in tasks of 2.
    expect(run.text(MAIN, "FramesSummary")).toBe("5 frames in 3 tasks");
  });

  it("an invalid frame set is explained at once, in the helper's words", async () => {
    const run = await runCompScript({ idleTimers: false, actions: [settle, waitFor(1), { do: "set", id: "CustomFrames", prop: "Text", value: "10-1" }] });
    expect(run.transcript.error).toBeNull();
    expect(run.text(MAIN, "FramesSummary")).toBe('The frame set is not valid: "10-1" counts down: write "1-10".');
  });
});
