// The job `retry` submits when the server cannot reschedule (src-node/commands/retry-plan.ts).
import { describe, expect, it } from "vitest";
import { parseFrameSet } from "../../src-node/portable/frames";
import { commandOf, framesOfTasks, retrySpec, readRetryTask, parentExtras } from "../../src-node/commands/retry-plan";

describe("framesOfTasks", () => {
  it("joins the frames named by the tasks into one frame set", () => {
    expect(framesOfTasks(["Frames 11-20", "Frames 1-10", "Frames 31-39x2"])).toBe("1-20,31-39x2");
    const scattered = parseFrameSet(framesOfTasks(["Frames 20", "Frames 7", "Frames 9"]));
    expect(scattered.ok && scattered.frames).toEqual([7, 9, 20]);
    expect(framesOfTasks(["Frames -5--1"])).toBe("-5--1");
  });

  it("gives nothing rather than a guess when a name does not tell the frames", () => {
    expect(framesOfTasks(["Frames 1-10", "Render (Frames: 11-20)"])).toBe("");
    expect(framesOfTasks(["Frames 1-x"])).toBe("");
  });
});

describe("commands read back from the server", () => {
  it("keeps a string or a per-OS struct of strings, nothing else", () => {
    expect(commandOf("render 1")).toBe("render 1");
    expect(commandOf({ linux: "a", windows: "b" })).toEqual({ linux: "a", windows: "b" });
    expect(commandOf({ linux: "a", beos: "b" })).toBeUndefined();
    expect(commandOf({ linux: 3 })).toBeUndefined();
    expect(commandOf("  ")).toBeUndefined();
    expect(commandOf(null)).toBeUndefined();
  });
});

describe("readRetryTask", () => {
  it("names every key the server left out or sent in a shape not understood (null is none)", () => {
    const { task, missing } = readRetryTask({ command: "rn", conditions: null, tags: ["single"], cpus: "8", environment: { A: 1 } }, 7, "Frames 3-4", "failed");
    expect(missing).toEqual(["environment (not understood)", "cpus (not understood)", "triesLeft", "priority"]);
    expect(task).toEqual({ id: 7, name: "Frames 3-4", status: "failed", command: "rn", tags: ["single"] });
    expect(readRetryTask({ command: null }, 7, "t", "failed").missing).toContain("command (not understood)");
    expect(readRetryTask({}, 7, "t", "failed").missing).toEqual(["command", "conditions", "tags", "environment", "cpus", "triesLeft", "priority"]);
  });
});

describe("retrySpec", () => {
  it("is the failed tasks with the commands they had, under a parent with the old job's settings", () => {
    const conditions = [{ type: "client", name: "group", op: "==", value: "Fusion" }];
    const { task, missing } = readRetryTask(
      { command: { linux: "rn /c.comp -start 3 -end 4" }, conditions, tags: ["single"], cpus: null, triesLeft: 2, priority: 6, environment: { A: "1" } },
      7, "Frames 3-4", "failed",
    );
    expect(missing).toEqual([]);
    const spec = retrySpec({ id: 5, name: "shot -> c.comp", priority: 6, conditions: conditions as never }, [task], "ann", "3-4");
    expect(spec).toEqual({
      name: "shot -> c.comp (retry of job 5)",
      description: "Retry of job 5: tasks 7 (frames 3-4)",
      submittedBy: "ann",
      priority: 6,
      conditions,
      children: [{ name: "Frames 3-4", command: { linux: "rn /c.comp -start 3 -end 4" }, conditions, tags: ["single"], triesLeft: 2, priority: 6, environment: { A: "1" } }],
    });
  });

  it("keeps the old job's description and e-mail settings when the server reports them", () => {
    const extras = parentExtras({ description: "hero shot", emailTo: "ann@studio", emailReasons: "failed,succeeded" });
    const spec = retrySpec({ id: 5, name: "shot", ...extras }, [{ id: 7, name: "Frames 1", status: "failed", command: "rn" }], "ann", "1");
    expect(spec).toMatchObject({ description: "hero shot\nRetry of job 5: tasks 7 (frames 1)", emailTo: "ann@studio", emailReasons: "failed,succeeded" });
    expect(parentExtras({ emailReasons: "failed" })).toEqual({});
  });
});
