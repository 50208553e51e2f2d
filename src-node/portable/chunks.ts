/**
 * Splitting a frame list into farm tasks. Pure: no I/O.
 * PORTABLE (see frames.ts): compiled into the helper and the comp script, tested on Node and LuaJIT.
 *
 * A task is a list of arithmetic runs (see {@link toRuns}). With a positive `framesPerTask`, a task
 * never spans a gap or a step change: each run of the set is cut into pieces of at most
 * `framesPerTask` frames, so every task renders as one `-start S -end E -step K` command.
 * With `framesPerTask` 0 the whole set is ONE task, which may hold several runs.
 */
import type { FrameRun } from "../../types/request";
import { formatRuns, isSafeWhole, runFrameCount, toRuns, wholeNumberText } from "./frames";

export interface Task {
  runs: FrameRun[];
  frameCount: number;
}

/**
 * Cuts `frames` (in the given order, duplicates already removed) into tasks. The tasks, in order,
 * hold exactly the input frames. O(number of frames). Throws a RangeError for a negative or
 * non-integer `framesPerTask`.
 */
export function chunkFrames(frames: readonly number[], framesPerTask: number): Task[] {
  if (!isSafeWhole(framesPerTask) || framesPerTask < 0) {
    const given = isSafeWhole(framesPerTask) ? wholeNumberText(framesPerTask) : String(framesPerTask);
    throw new RangeError("Frames per task must be a whole number of 0 or more (0 puts all frames in one task), not " + given + ".");
  }
  if (frames.length === 0) return [];
  const runs = toRuns(frames);
  if (framesPerTask === 0) return [{ runs, frameCount: frames.length }];

  const tasks: Task[] = [];
  for (const run of runs) {
    const count = runFrameCount(run);
    for (let first = 0; first < count; first += framesPerTask) {
      const size = Math.min(framesPerTask, count - first);
      const start = run.start + first * run.step;
      const end = start + (size - 1) * run.step;
      tasks.push({ runs: [{ start, end, step: size === 1 ? 1 : run.step }], frameCount: size });
    }
  }
  return tasks;
}

/** The task's frames as compact text, e.g. `1-10`, `1-19x2`, `1-3,5` (used in task names "Frames 1-10"). */
export function taskLabel(task: Task): string {
  return formatRuns(task.runs);
}
