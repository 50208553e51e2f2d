import { describe, expect, it } from "vitest";
import type { FrameRun } from "../../types/request";
import { chunkFrames, taskLabel, type Task } from "../../src-node/portable/chunks";
import { parseFrameSet, rangeFrames } from "../../src-node/portable/frames";
import { prngInt as prng } from "../support/prng";

function framesOf(text: string): number[] {
  const result = parseFrameSet(text);
  if (!result.ok) throw new Error(result.error);
  return result.frames;
}

function labels(tasks: Task[]): string[] {
  return tasks.map(taskLabel);
}

function expand(run: FrameRun): number[] {
  const out: number[] = [];
  for (let f = run.start; f <= run.end; f += run.step) out.push(f);
  return out;
}

function framesOfTasks(tasks: Task[]): number[] {
  return tasks.flatMap((t) => t.runs.flatMap(expand));
}


describe("chunkFrames: task boundaries", () => {
  it.each([
    // the old script's bug: 1-5 with 3 per task must be 1-3, 4-5
    ["1-5", 3, ["1-3", "4-5"]],
    ["1-10", 5, ["1-5", "6-10"]],
    ["1-10", 3, ["1-3", "4-6", "7-9", "10"]],
    ["1-11", 4, ["1-4", "5-8", "9-11"]], // 11 frames; (frames+1) divisible by the size
    ["0-7", 4, ["0-3", "4-7"]],
    ["0-8", 3, ["0-2", "3-5", "6-8"]],
    ["1-100", 100, ["1-100"]],
    ["1-100", 1000, ["1-100"]],
    ["1-3", 1, ["1", "2", "3"]],
    ["7", 5, ["7"]],
    ["7", 0, ["7"]],
    ["1-19x2", 5, ["1-9x2", "11-19x2"]],
    ["1-20x2", 3, ["1-5x2", "7-11x2", "13-17x2", "19"]],
    ["-10--1", 4, ["-10--7", "-6--3", "-2--1"]],
    ["-3-3", 4, ["-3-0", "1-3"]],
    ["1-3,5", 10, ["1-3", "5"]],
    ["1-10,20-25", 4, ["1-4", "5-8", "9-10", "20-23", "24-25"]],
    ["1-10,12-20x2,25", 100, ["1-10", "12-20x2", "25"]],
    ["10,1-3", 2, ["10", "1-2", "3"]],
    ["1-3,5", 0, ["1-3,5"]],
    ["1-10,12-20x2,25", 0, ["1-10,12-20x2,25"]],
    ["1-100", 0, ["1-100"]],
  ] as [string, number, string[]][])("%s, %i per task", (set, size, expected) => {
    const frames = framesOf(set);
    const tasks = chunkFrames(frames, size);
    expect(labels(tasks)).toEqual(expected);
    expect(framesOfTasks(tasks)).toEqual(frames);
    for (const task of tasks) expect(task.frameCount).toBe(task.runs.flatMap(expand).length);
  });

  it("comp ranges with a step chunk by frames, not by frame numbers", () => {
    const range = rangeFrames(1, 100, 4);
    if (!range.ok) throw new Error(range.error);
    const tasks = chunkFrames(range.frames, 10);
    expect(labels(tasks)).toEqual(["1-37x4", "41-77x4", "81-97x4"]);
    expect(tasks.map((t) => t.frameCount)).toEqual([10, 10, 5]);
  });

  it("a single-frame task has step 1", () => {
    expect(chunkFrames([1, 3, 5], 2)).toEqual([
      { runs: [{ start: 1, end: 3, step: 2 }], frameCount: 2 },
      { runs: [{ start: 5, end: 5, step: 1 }], frameCount: 1 },
    ]);
  });

  it("an empty set has no tasks", () => {
    expect(chunkFrames([], 5)).toEqual([]);
    expect(chunkFrames([], 0)).toEqual([]);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])("rejects framesPerTask %s with a RangeError", (size) => {
    expect(() => chunkFrames([1, 2, 3], size)).toThrow(RangeError);
    expect(() => chunkFrames([1, 2, 3], size)).toThrow(/Frames per task must be a whole number of 0 or more/);
  });

  it("handles 100,000 frames in 100,000 tasks and in one task", () => {
    const range = rangeFrames(1, 100_000, 1);
    if (!range.ok) throw new Error(range.error);
    const many = chunkFrames(range.frames, 1);
    expect(many).toHaveLength(100_000);
    expect(taskLabel(many[99_999])).toBe("100000");
    const one = chunkFrames(range.frames, 0);
    expect(labels(one)).toEqual(["1-100000"]);
    // every other frame: 50,000 runs of step 2 would be ONE run; scatter to force many runs
    const scattered = range.frames.filter((f) => f % 3 !== 0);
    expect(chunkFrames(scattered, 7).reduce((n, t) => n + t.frameCount, 0)).toBe(scattered.length);
  });
});

describe("chunkFrames: properties over seeded random sets", () => {
  /** Random frame sets: runs with random steps, gaps, overlaps (duplicates), negatives, shuffled pieces. */
  function randomSet(random: (n: number) => number): number[] {
    const parts: string[] = [];
    const pieces = 1 + random(6);
    let cursor = random(50) - 25;
    for (let p = 0; p < pieces; p++) {
      const kind = random(4);
      if (kind === 0) {
        parts.push(String(cursor));
      } else {
        const step = 1 + random(kind === 1 ? 1 : 4);
        const length = random(30);
        parts.push(`${cursor}-${cursor + length}${step > 1 ? `x${step}` : ""}`);
      }
      // mostly forward with gaps; sometimes back (duplicates / out of order)
      cursor += random(5) === 0 ? -random(20) : random(40);
    }
    return framesOf(parts.join(","));
  }

  it("union = the set in order; tasks ≤ size; runs are valid; no task spans a gap", () => {
    // Plain checks collected into a list (thousands of expect() calls would dominate the run time).
    const failures: string[] = [];
    const random = prng(20240611);
    let cases = 0;
    for (let c = 0; c < 4000; c++) {
      const frames = randomSet(random);
      const size = random(5) === 0 ? 0 : 1 + random(12);
      const tasks = chunkFrames(frames, size);
      const where = `case ${c}: [${frames.join(",")}] size ${size} → ${labels(tasks).join(" | ")}`;
      const check = (ok: boolean, what: string): void => {
        if (!ok && failures.length < 20) failures.push(`${what} — ${where}`);
      };
      cases++;

      check(framesOfTasks(tasks).join(",") === frames.join(","), "union differs from the set");
      check(tasks.reduce((n, t) => n + t.frameCount, 0) === frames.length, "frame counts do not add up");
      if (size === 0) check(tasks.length === 1, "size 0 must give one task");
      for (const task of tasks) {
        check(task.runs.length > 0, "empty task");
        check(task.frameCount === task.runs.flatMap(expand).length, "frameCount is wrong");
        for (const run of task.runs) {
          check(Number.isInteger(run.step) && run.step >= 1, "step < 1");
          check(run.end >= run.start && (run.end - run.start) % run.step === 0, "run end not reached exactly");
          if (run.start === run.end) check(run.step === 1, "single frame with step ≠ 1");
        }
        if (size > 0) {
          check(task.frameCount <= size, "task larger than the size");
          // one arithmetic run per task: it never spans a gap or a step change
          check(task.runs.length === 1, "task spans a gap");
        }
      }
      // tasks are maximal: a task that the next one continues (same step, no gap) is full
      if (size > 0) {
        for (let i = 1; i < tasks.length; i++) {
          const prev = tasks[i - 1].runs[0];
          const next = tasks[i].runs[0];
          const continued = prev.start !== prev.end && next.step === prev.step && next.start - prev.end === prev.step;
          if (continued) check(tasks[i - 1].frameCount === size, "a task was cut short");
        }
      }
    }
    expect(cases).toBe(4000);
    expect(failures).toEqual([]);
  });
});
