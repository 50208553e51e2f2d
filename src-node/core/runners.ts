/**
 * Task runners (issue 10): one generated script per client OS family, kept in the job folder, that renders a
 * task's frames and proves they were written. Each HQueue task's command becomes one short line that runs the
 * runner with the task's frames. PURE: this module only makes text; the caller writes the files.
 *
 * INTERFACE (stable; the job-folder code builds on it):
 *
 *   runnerScript(platform, config) → string        the runner's text for that OS (write it to the job folder)
 *   runnerFileName(platform) → string              the runner's file name: render-linux.sh, render-macosx.sh,
 *                                                  render-windows.cmd
 *   runnerTaskLine(platform, runnerPath, runs) → string
 *                                                  the task's command for that OS's HQueue client
 *
 * - `config` holds everything for ONE OS, with every path already spelled the way that OS spells it (the
 *   caller maps paths per OS; this module never maps or checks roots): see {@link RunnerConfig}.
 * - `runs` are the task's frame runs (a task with gaps has several): the runner gets them as arguments
 *   `FIRST LAST STEP [FIRST LAST STEP …]`, so one runner serves every task of the job.
 * - Both functions throw an Error whose message names the path and the reason when something cannot be written
 *   safely for that OS's shell (e.g. `!`, `%` or `"` in a Windows task line's runner path; see quote-cmd).
 *
 * What a runner does (POSIX sh on Linux/macOS: runner-sh.ts; cmd.exe batch on Windows: runner-cmd.ts):
 *  1. checks its arguments (integers, step ≥ 1, last ≥ first), else exits 2;
 *  2. starts the Render Node once per run with the comp copy, `-render -start -end -step`, `-log <per-task
 *     log>` when a log folder is given (the log is removed first: it holds this try only), `-verbose`, `-quiet`
 *     (no modal dialog) and `-quit`; Windows uses the slash form;
 *     Linux: when DISPLAY is unset and `xvfb-run` exists, under `xvfb-run -a`; when neither, it prints
 *     {@link NO_DISPLAY_MESSAGE} before the render starts;
 *     Linux/macOS with `progress`: `ALF_PROGRESS n%` lines through the awk/FIFO filter of render-node.ts, the
 *     Render Node running in the background under a trap that passes a cancel (TERM/INT/HUP) on to it;
 *  3. stops at the first run that fails (non-zero exit; on Windows -1073741819 / 0xC0000005, a crash on exit,
 *     is let through to verification) and exits with that status;
 *  4. verifies every frame of every run for every image-sequence output: the file exists and is not empty
 *     (Fusion's frame naming: savers.ts frameNamePattern); then every movie output the same way. Missing or
 *     empty files are listed one per line ({@link MISSING_LINE_PREFIX}<saver>: <file>) and the task exits
 *     {@link EXIT_MISSING_FRAMES}, so HQueue's tries re-run it;
 *  5. exits 0 (also after 0xC0000005 on Windows when everything was verified, saying so).
 */
import type { FrameRun, Platform } from "../../types/request";
import { cmdTaskLine } from "./quote-cmd";
import { shJoin } from "./quote-sh";
import { frameRunLength } from "./render-node";
import { cmdRunnerScript } from "./runner-cmd";
import { shRunnerScript } from "./runner-sh";

export type { ExpectedOutput, RunnerConfig } from "./runner-contract";
export {
  CRASH_ON_EXIT_MESSAGE,
  EXIT_BAD_ARGUMENTS,
  EXIT_MISSING_FRAMES,
  MISSING_LINE_PREFIX,
  NO_DISPLAY_MESSAGE,
} from "./runner-contract";
import type { RunnerConfig } from "./runner-contract";

export function runnerFileName(platform: Platform): string {
  return platform === "windows" ? "render-windows.cmd" : `render-${platform}.sh`;
}

/** The runner's text for `platform`. Throws (naming the path) when a path cannot be written for its shell. */
export function runnerScript(platform: Platform, config: RunnerConfig): string {
  return platform === "windows" ? cmdRunnerScript(config) : shRunnerScript(platform, config);
}

/** The runner's arguments for a task: FIRST LAST STEP per run (validated like the inline commands). */
export function runnerArguments(runs: readonly FrameRun[]): string[] {
  if (runs.length === 0) throw new Error("A task needs at least one frame run.");
  const out: string[] = [];
  for (const run of runs) {
    frameRunLength(run);
    out.push(run.start.toFixed(0), run.end.toFixed(0), run.step.toFixed(0));
  }
  return out;
}

/**
 * The task's command for that OS's client: `/bin/sh '<runner>' 1 10 1` (POSIX sh: Linux, macOS; /bin/sh so
 * that the client's PATH does not matter), or `C:\"jobs\…\render-windows.cmd" 1 10 1` (cmd.exe: a line that
 * runs the same under every way the client may start cmd.exe; quote-cmd cmdTaskLine).
 */
export function runnerTaskLine(platform: Platform, runnerPath: string, runs: readonly FrameRun[]): string {
  const args = runnerArguments(runs);
  if (platform === "windows") {
    try {
      return cmdTaskLine([runnerPath, ...args]);
    } catch (e) {
      throw new Error(`Windows task runner: ${(e as Error).message}`);
    }
  }
  return shJoin(["/bin/sh", runnerPath, ...args]);
}
