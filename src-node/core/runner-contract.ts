/**
 * The task runners' configuration and the texts they print (see runners.ts for the interface). Pure.
 */

/** One enabled Saver whose output the runner checks. */
export interface ExpectedOutput {
  /** The Saver's name (for the messages). */
  saver: string;
  /**
   * The Saver's file name as THIS OS spells it (absolute, mapped, `Comp:` already expanded), as in its Clip
   * input: for an image sequence the runner derives each frame's file from it (trailing digits = padding).
   */
  path: string;
  /**
   * One file for all frames (movie): from the Saver's OutputFormat (savers.ts isMovieFormat) OR its extension
   * (isMovieOutput). Checked once, at the end of the task; the caller gives movie outputs only to the task
   * that renders the movie (a job with a movie Saver has one task).
   */
  movie: boolean;
}

/** Everything a runner needs for one OS, every path spelled the way that OS spells it. */
export interface RunnerConfig {
  /** The Render Node executable on that OS. */
  renderNode: string;
  /** The comp copy that OS renders. */
  compPath: string;
  /** The enabled Savers' outputs to verify (may be empty: nothing to verify). */
  outputs: readonly ExpectedOutput[];
  /**
   * Per-task Fusion log files: `<dir><sep><prefix><FIRST>-<LAST>.log` (FIRST of the first run, LAST of the last).
   * The prefix is plain text (e.g. `sh010_20261206-051500_`). Omit for no `-log`.
   */
  log?: { dir: string; prefix: string };
  /** `ALF_PROGRESS n%` lines (Linux/macOS; ignored on Windows, where cmd.exe cannot keep a piped status). */
  progress: boolean;
  /** A label for the runner's header comment and messages (e.g. the comp's file name). Plain text. */
  label?: string;
}

/** The exit status of a task whose render exited 0 but left frames missing or empty. */
export const EXIT_MISSING_FRAMES = 3;
/** The exit status of a runner started with bad arguments. */
export const EXIT_BAD_ARGUMENTS = 2;
/** Each missing or empty file is printed on its own line after this prefix. */
export const MISSING_LINE_PREFIX = "KartaLink: missing or empty: ";
/** Printed (Linux) before the render when there is no display and no xvfb-run. */
export const NO_DISPLAY_MESSAGE =
  "KartaLink: DISPLAY is not set and xvfb-run was not found: the Render Node may fail or hang without a display " +
  "(Blackmagic documents that a headless Linux Render Node needs a virtual frame buffer; install xvfb-run).";
/** Printed (Windows) when 0xC0000005 after a verified render is counted as success. */
export const CRASH_ON_EXIT_MESSAGE =
  "KartaLink: the Render Node crashed on exit (code -1073741819, 0xC0000005) after every frame was written and verified; the task counts as done.";

