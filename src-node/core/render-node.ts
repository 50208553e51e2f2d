/**
 * The Fusion Render Node command for one HQueue task, per client OS (reference: fusion.md §6).
 *
 * - Executable: the default install path per OS and major version, unless the request gives a custom one.
 * - Flags: slash form on Windows (`/render /start S …`), dash form on macOS and Linux (`-render -start S …`).
 * - A task covers one or more arithmetic frame runs (a frame set with gaps); one render per run, chained
 *   with `&&` so that the first failure stops the task and fails it with that render's exit status.
 * - Progress (macOS/Linux only): the render's output is piped through POSIX awk, which copies every line and
 *   adds an `ALF_PROGRESS p%` line after each `Rendered frame N (i of n)` line, p being the percent of the
 *   task's frames done. The task still exits with the render node's status (see {@link posixProgressWrapper}).
 *   Windows gets no wrapper: cmd.exe has no way to keep a piped program's exit status, and a task that
 *   succeeds after a failed render would be worse than a task without progress.
 */
import type { FrameRun, Platform } from "../../types/request";
import { cmdTaskLine } from "./quote-cmd";
import { quoteSh, shJoin } from "./quote-sh";

/** Fusion Render Node major versions with known install paths: the list the dialog offers (one list, in the field table). */
export { RENDER_NODE_VERSIONS } from "../portable/fields";

/** Where Blackmagic's installer puts the Render Node of major `version` on `platform`. */
export function defaultRenderNodePath(platform: Platform, version: string): string {
  switch (platform) {
    case "windows":
      return `C:\\Program Files\\Blackmagic Design\\Fusion Render Node ${version}\\FusionRenderNode.exe`;
    case "macosx":
      return `/Applications/Blackmagic Fusion ${version} Render Node/Fusion Render Node.app/Contents/MacOS/Fusion Render Node`;
    case "linux":
      return `/opt/BlackmagicDesign/FusionRenderNode${version}/FusionRenderNode`;
  }
}

export interface TaskCommandOptions {
  /** Fusion log file for this task (client-side path). Fusion writes it with `-log`; the first render cleans it. */
  logFile?: string;
  /** Add `ALF_PROGRESS` lines (macOS/Linux only; ignored for Windows). */
  progress: boolean;
  /** Pass `-verbose` (default true: the per-frame lines that progress relies on). */
  verbose?: boolean;
}

export interface RenderArgsOptions {
  logFile?: string;
  /** Add `-cleanlog` after `-log` (start the log file afresh). */
  cleanLog?: boolean;
  /** Pass `-verbose` (default true). */
  verbose?: boolean;
  /** Pass `-quiet` (no dialog that waits for a click; fusion.md §11). Default false (the inline commands). */
  quiet?: boolean;
}

/** Number of frames in a run; throws when the run is not a valid arithmetic run of integer frames. */
export function frameRunLength(run: FrameRun): number {
  const { start, end, step } = run;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || !Number.isSafeInteger(step)) {
    throw new Error(`Frame run ${start}..${end} step ${step}: frames and step must be integers.`);
  }
  if (step < 1) throw new Error(`Frame run ${start}..${end} step ${step}: the step must be 1 or more.`);
  if (end < start) throw new Error(`Frame run ${start}..${end}: the end comes before the start.`);
  return Math.floor((end - start) / step) + 1;
}

/** A frame number or step as Fusion reads it: a plain integer, `-` for negatives, never an exponent. */
function frameText(n: number): string {
  return n.toFixed(0);
}

/** The Render Node's arguments (after the executable) to render one run of `compPath`. */
export function renderNodeArgs(platform: Platform, compPath: string, run: FrameRun, opts: RenderArgsOptions): string[] {
  frameRunLength(run);
  return renderNodeArgsWithFrameTexts(platform, compPath, frameText(run.start), frameText(run.end), frameText(run.step), opts);
}

/**
 * {@link renderNodeArgs} with the frame numbers as given texts: the task runners pass placeholders that they
 * replace by the shell's own variables (the frames are known only when the task runs).
 */
export function renderNodeArgsWithFrameTexts(
  platform: Platform,
  compPath: string,
  start: string,
  end: string,
  step: string,
  opts: RenderArgsOptions,
): string[] {
  const flag = (name: string): string => (platform === "windows" ? "/" : "-") + name;
  const args = [compPath, flag("render"), flag("start"), start, flag("end"), end, flag("step"), step];
  if (opts.logFile !== undefined) {
    args.push(flag("log"), opts.logFile);
    if (opts.cleanLog === true) args.push(flag("cleanlog"));
  }
  if (opts.verbose !== false) args.push(flag("verbose"));
  if (opts.quiet === true) args.push(flag("quiet"));
  args.push(flag("quit"));
  return args;
}

/**
 * POSIX awk program: copies its input and, after each `Rendered frame N (i of n)` line, prints
 * `ALF_PROGRESS p%`. A line equal to {@link RUN_DONE_MARKER} (written by the wrapper between renders, never
 * printed) moves on to the next run. p = floor(100 × (frames of finished runs + i/n × frames of this run) /
 * frames of the task), computed in integers, capped at 100. Only POSIX awk features (match/RSTART/RLENGTH,
 * split, substr, printf) plus fflush(), which mawk, gawk and BSD/macOS awk have.
 */
function progressAwkProgram(runLengths: readonly number[]): string {
  if (runLengths.length === 1) {
    // One run (every task when frames per task > 0): Fusion's own "i of n" is the task's progress.
    return [
      "{ print; fflush() }",
      "/Rendered frame/ && match($0, /\\([0-9]+ of [0-9]+\\)/) {" +
        ' split(substr($0, RSTART + 1, RLENGTH - 2), part, " of "); i = part[1] + 0; n = part[2] + 0;' +
        " if (n < 1) next; if (i > n) i = n;" +
        ' printf "ALF_PROGRESS %d%%\\n", int(i * 100 / n); fflush() }',
    ].join("; ");
  }
  const total = runLengths.reduce((sum, n) => sum + n, 0);
  return multiRunProgressAwk(`nruns = split("${runLengths.join(" ")}", size, " "); total = ${total}`);
}

/**
 * The same progress filter for run lengths known only when the task runs (the task runners): awk is started
 * with `-v sizes="5 3 …"` (frames per run, space-separated, only digits and spaces).
 */
export function progressAwkProgramForSizesVariable(): string {
  return multiRunProgressAwk('nruns = split(sizes, size, " "); total = 0; for (k = 1; k <= nruns; k++) total += size[k]');
}

/** The multi-run awk program; `begin` sets nruns, size[1..nruns] and total. */
function multiRunProgressAwk(begin: string): string {
  // One line (rules and statements separated by `;`) so the command stays readable in the HQueue web UI.
  return [
    `BEGIN { ${begin}; run = 1; before = 0 }`,
    `$0 == "${RUN_DONE_MARKER}" { if (run <= nruns) before += size[run]; run++; next }`,
    "{ print; fflush() }",
    "/Rendered frame/ && match($0, /\\([0-9]+ of [0-9]+\\)/) {" +
      ' split(substr($0, RSTART + 1, RLENGTH - 2), part, " of "); i = part[1] + 0; n = part[2] + 0;' +
      " if (n < 1 || run > nruns) next; if (i > n) i = n;" +
      " p = int((before * n + i * size[run]) * 100 / (total * n)); if (p > 100) p = 100;" +
      ' printf "ALF_PROGRESS %d%%\\n", p; fflush() }',
  ].join("; ");
}

/** Written between two renders of one task so the awk filter knows a run is over. */
export const RUN_DONE_MARKER = "KARTALINK_HQUEUE_RUN_DONE";

/** The quoted awk filter per run-length list: a 100,000-task job has only a handful of distinct ones. */
const awkFilterCache = new Map<string, string>();

function awkFilter(runLengths: readonly number[]): string {
  const key = runLengths.join(" ");
  let awk = awkFilterCache.get(key);
  if (awk === undefined) {
    awk = `awk $kl_o ${quoteSh(progressAwkProgram(runLengths))}`;
    if (awkFilterCache.size > 1000) awkFilterCache.clear();
    awkFilterCache.set(key, awk);
  }
  return awk;
}

/**
 * `renders` (one render per run) wrapped so that their output also yields progress lines, while the task keeps
 * the render node's exit status AND stays cancellable: HQueue stops a task by signalling the process it started
 * (the shell), and a pipeline `render | awk` would leave the render node running as an orphan. So the output goes
 * through a FIFO to a background awk, and the shell `exec`s the (last) render node, which then IS the task's
 * process: killing it stops the render, and its exit status is the task's. Earlier runs of a task with gaps run in
 * the background under a `wait` that a trap interrupts to pass the signal on:
 *
 *   kl_f=$TMPDIR/kartalink-hqueue-$$.fifo; rm -f "$kl_f";
 *   command -v awk && mkfifo "$kl_f" || { RENDERS (plain && chain); exit $?; };
 *   case $(awk -W version …) in *mawk*) kl_o='-W interactive';; esac;   (mawk: line-by-line input)
 *   awk $kl_o … < "$kl_f" & exec 3>"$kl_f"; rm -f "$kl_f"; trap 'kill -TERM $kl_p; exit 143' TERM INT HUP;
 *   R1 >&3 & kl_p=$!; wait $kl_p || exit $?; echo MARKER >&3; …; exec Rn >&3 3>&-
 *
 * Without awk or a FIFO (an odd client), the renders run plainly: no progress, but the right status.
 */
function posixProgressWrapper(renders: readonly string[], runLengths: readonly number[]): string {
  const plain = renders.join(" && ");
  const parts = [
    'kl_f="${TMPDIR:-/tmp}/kartalink-hqueue-$$.fifo"; rm -f "$kl_f"',
    `{ command -v awk >/dev/null 2>&1 && mkfifo "$kl_f" 2>/dev/null; } || { ${plain}; exit $?; }`,
    // mawk (Debian/Ubuntu's awk) reads a pipe in blocks: without -W interactive progress would come in bursts.
    `case $(awk -W version 2>&1 </dev/null) in *mawk*) kl_o='-W interactive';; *) kl_o=;; esac`,
    `${awkFilter(runLengths)} < "$kl_f" & exec 3>"$kl_f"; rm -f "$kl_f"`,
  ];
  if (renders.length > 1) {
    parts.push(`trap 'kill -TERM $kl_p 2>/dev/null; exit 143' TERM INT HUP`);
    for (const render of renders.slice(0, -1)) {
      parts.push(`${render} >&3 & kl_p=$!; wait $kl_p || exit $?; echo ${RUN_DONE_MARKER} >&3`);
    }
  }
  parts.push(`exec ${renders[renders.length - 1]} >&3 3>&-`);
  return parts.join("; ");
}

/**
 * The task's shell command for a client of `platform`: POSIX sh on macOS/Linux, cmd.exe on Windows (a line
 * that runs the same under every way the client may start cmd.exe: see `cmdTaskLine`).
 * Throws (with the reason) when a path cannot be written for that shell, e.g. `!` or `%` for cmd.exe.
 */
export function taskCommand(
  platform: Platform,
  exe: string,
  compPath: string,
  runs: readonly FrameRun[],
  opts: TaskCommandOptions,
): string {
  if (runs.length === 0) throw new Error("A task needs at least one frame run.");
  const join = platform === "windows" ? cmdTaskLine : shJoin;
  const renders = runs.map((run, index) =>
    join([exe, ...renderNodeArgs(platform, compPath, run, { logFile: opts.logFile, cleanLog: index === 0, verbose: opts.verbose })]),
  );
  const runLengths = runs.map(frameRunLength);
  // A one-frame task's progress is its completion, which HQueue already shows: no wrapper (this also keeps
  // a frame-per-task job of 100,000 tasks small on the wire).
  const single = runLengths.length === 1 && runLengths[0] === 1;
  if (platform === "windows" || !opts.progress || single) return renders.join(" && ");
  return posixProgressWrapper(renders, runLengths);
}
