/**
 * Fusion Render Node stand-in: an executable that behaves like `FusionRenderNode <comp> -render …`
 * as far as a farm wrapper can see (../shared/reference/fusion.md §6), without Fusion.
 *
 * Bundled by the build into dist/dev/render-node/FusionRenderNode (esbuild, `#!/usr/bin/env node`).
 * The top level runs `main(process.argv.slice(2))` and exits with its code.
 *
 * Flags, in dash or slash form, case-insensitive (`-render`, `/render`):
 *   <comp> -render [-start S] [-end E] [-step K] [-frames <set>] [-log <file>] [-cleanlog]
 *   [-verbose] [-status] [-quiet] [-quietlicense] [-clean] [-quit]
 * Without -start/-end it renders the comp's RenderRange; -step defaults to the comp's step;
 * -frames (Fusion's `1..10,20` syntax or ours) wins over -start/-end/-step.
 *
 * It is STRICTER than Fusion on purpose, so that a wrong command line fails loudly in tests: an
 * unknown `-flag`, a second comp path (e.g. a path with spaces split by bad quoting), a missing
 * flag value or a missing -render is a startup error (exit 20).
 *
 * For every enabled Saver with a file name it writes each frame's file (Fusion's sequence naming;
 * a movie Saver writes one file with a line per frame) holding a small text body, creating
 * folders. `Comp:` paths resolve against the comp's folder; other path maps (`Temp:`, `Macros:` …)
 * and relative paths are not known to the stand-in: it prints a warning and writes nothing for
 * that Saver.
 *
 * Environment (test hooks):
 *   FUSION_STANDIN_FAIL_AT=<frame>   print a render error and exit 10 when reaching that frame
 *   FUSION_STANDIN_FAIL_UNLESS=<file>  with FAIL_AT: fail only while that file does not exist (for retry tests)
 *   FUSION_STANDIN_LICENSE_FAIL=1    print "FLEXnet Licensing error" and exit 20 at startup
 *   FUSION_STANDIN_RECORD=<file>     append one JSON line {argv, cwd} per run (before anything else)
 *   FUSION_STANDIN_FRAME_MS=<ms>     time each frame takes (default 0), for progress/watch tests
 *   FUSION_STANDIN_SKIP_FRAMES=all|<f,f,…>  render (and report) those frames but write no file for them
 *   FUSION_STANDIN_EMPTY_FRAMES=all|<f,f,…> write those frames' files empty (0 bytes)
 *   FUSION_STANDIN_EXIT_CODE=<n>     after a complete render, exit with n instead of 0 (a crash on exit)
 *   FUSION_STANDIN_NEEDS_QUIET=1     without -quiet, stop at startup as if a modal dialog waited (exit 30)
 *   FUSION_STANDIN_NEEDS_DISPLAY=1   without DISPLAY, fail at startup like a Linux Render Node with no X (exit 20)
 *
 * Exit codes as Deadline reads Fusion's: 0 OK, 10 render failure, 20 startup problem.
 */
import { appendFileSync, existsSync, mkdirSync, writeFileSync, writeSync } from "node:fs";
import * as nodePath from "node:path";
import type { Platform } from "../../types/request";
import { readCompFile, type CompFile } from "../../src-node/core/comp-file";
import { CompFileError } from "../../src-node/core/lua-table-parser";
import { parseFrameSet, rangeFrames } from "../../src-node/portable/frames";
import { isAbsolutePath } from "../../src-node/core/path-map";
import { frameFileName, isMovieSaver, resolveCompRelative } from "../../src-node/core/savers";

export const EXIT_OK = 0;
export const EXIT_RENDER_FAILED = 10;
export const EXIT_STARTUP = 20;
/** Not Fusion's: the stand-in's "a modal dialog would wait here forever" (FUSION_STANDIN_NEEDS_QUIET). */
export const EXIT_DIALOG = 30;

/** `all`, or a comma-separated frame list, from an environment variable. */
function frameFilter(name: string): (frame: number) => boolean {
  const text = (process.env[name] ?? "").trim();
  if (text === "") return () => false;
  if (text === "all") return () => true;
  const frames = new Set(text.split(",").map((f) => Number(f.trim())));
  return (frame) => frames.has(frame);
}

const SWITCHES = new Set(["render", "cleanlog", "verbose", "status", "quiet", "quietlicense", "clean", "quit", "listen"]);
const WITH_VALUE = new Set(["start", "end", "step", "frames", "log"]);

interface Options {
  comp?: string;
  switches: Set<string>;
  values: Map<string, string>;
}

class UsageError extends Error {}

function hostPlatform(): Platform {
  return process.platform === "win32" ? "windows" : process.platform === "darwin" ? "macosx" : "linux";
}

/**
 * Splits argv into the comp path, switches and valued flags. A token starting with `-` or `/` is a
 * flag when the rest is a known flag name; otherwise a `/…` token is a path (POSIX comps) and an
 * unknown `-…` token is an error.
 */
export function parseArgs(argv: readonly string[]): Options {
  const options: Options = { switches: new Set(), values: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const prefix = arg[0];
    const name = arg.slice(1).toLowerCase();
    const isFlagShape = prefix === "-" || prefix === "/";
    if (isFlagShape && SWITCHES.has(name)) {
      options.switches.add(name);
    } else if (isFlagShape && WITH_VALUE.has(name)) {
      if (i + 1 >= argv.length) throw new UsageError(`${arg} needs a value`);
      // The value is taken as is, even when it starts with '-' (negative frames).
      options.values.set(name, argv[++i]);
    } else if (prefix === "-") {
      throw new UsageError(`unknown argument ${arg}`);
    } else if (options.comp === undefined) {
      options.comp = arg;
    } else {
      throw new UsageError(`more than one file given: "${options.comp}" and "${arg}"`);
    }
  }
  return options;
}

/** Output goes to stdout (written synchronously, so nothing is lost at exit) and to the -log file. */
class Console {
  constructor(private readonly logFile: string | undefined) {}

  line(text: string): void {
    writeSync(1, text + "\n");
    if (this.logFile !== undefined) appendFileSync(this.logFile, text + "\n");
  }
}

/** "Fri 1:53PM", as in Fusion's "Render started at Fri 1:53PM". */
function clock(date: Date): string {
  const day = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][date.getDay()];
  const hours = date.getHours() % 12 === 0 ? 12 : date.getHours() % 12;
  return `${day} ${hours}:${String(date.getMinutes()).padStart(2, "0")}${date.getHours() < 12 ? "AM" : "PM"}`;
}

function totalTime(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return `${h}h ${m}m ${(seconds % 60).toFixed(2)}s`;
}

function sleep(ms: number): void {
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function integerValue(options: Options, name: string): number | undefined {
  const text = options.values.get(name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === "" || !Number.isInteger(value)) throw new UsageError(`-${name} needs a whole number, not "${text}"`);
  return value;
}

function framesToRender(options: Options, comp: CompFile): number[] {
  const set = options.values.get("frames");
  if (set !== undefined) {
    const parsed = parseFrameSet(set);
    if (!parsed.ok) throw new UsageError(`bad -frames: ${parsed.error}`);
    return parsed.frames;
  }
  const start = integerValue(options, "start") ?? comp.renderStart;
  const end = integerValue(options, "end") ?? comp.renderEnd;
  const step = integerValue(options, "step") ?? comp.step;
  const range = rangeFrames(start, end, step);
  if (!range.ok) throw new UsageError(range.error);
  return range.frames;
}

interface Output {
  saver: string;
  /** Resolved path as written in the Saver (before per-frame naming). */
  path: string;
  movie: boolean;
}

function outputsOf(comp: CompFile, compPath: string, out: Console): Output[] {
  const platform = hostPlatform();
  const outputs: Output[] = [];
  for (const saver of comp.savers) {
    if (!saver.enabled || saver.path === "") continue;
    const path = resolveCompRelative(saver.path, compPath, platform);
    if (!isAbsolutePath(path, platform)) {
      out.line(`Warning: ${saver.name}: the stand-in cannot resolve "${saver.path}"; nothing is written for it.`);
      continue;
    }
    outputs.push({ saver: saver.name, path, movie: isMovieSaver({ ...saver, path }) });
  }
  return outputs;
}

function writeFrame(output: Output, frame: number, compPath: string, empty: boolean): void {
  const file = output.movie ? output.path : frameFileName(output.path, frame);
  mkdirSync(nodePath.dirname(file), { recursive: true });
  const body = empty ? "" : `FusionRenderNode stand-in\ncomp=${compPath}\nsaver=${output.saver}\nframe=${frame}\n`;
  if (output.movie && existsSync(file)) appendFileSync(file, `frame=${frame}\n`);
  else writeFileSync(file, body);
}

export function main(argv: readonly string[]): number {
  const record = process.env.FUSION_STANDIN_RECORD;
  if (record) appendFileSync(record, JSON.stringify({ argv, cwd: process.cwd() }) + "\n");

  let options: Options;
  try {
    options = parseArgs(argv);
  } catch (e) {
    writeSync(1, `Error: ${(e as Error).message}\nAuto-exiting with errcode ${EXIT_STARTUP}\n`);
    return EXIT_STARTUP;
  }
  const logFile = options.values.get("log");
  if (logFile !== undefined) {
    try {
      mkdirSync(nodePath.dirname(nodePath.resolve(logFile)), { recursive: true });
      if (options.switches.has("cleanlog")) writeFileSync(logFile, "");
    } catch (e) {
      writeSync(1, `Error: cannot write the log file "${logFile}": ${(e as Error).message}\n`);
      return EXIT_STARTUP;
    }
  }
  const out = new Console(logFile);

  if (process.env.FUSION_STANDIN_NEEDS_QUIET === "1" && !options.switches.has("quiet")) {
    out.line("Stand-in: a modal dialog would wait here for a click (the Render Node was started without -quiet).");
    return EXIT_DIALOG;
  }
  if (process.env.FUSION_STANDIN_NEEDS_DISPLAY === "1" && !process.env.DISPLAY) {
    out.line("qt.qpa.xcb: could not connect to display");
    out.line(`Auto-exiting with errcode ${EXIT_STARTUP}`);
    return EXIT_STARTUP;
  }

  if (process.env.FUSION_STANDIN_LICENSE_FAIL === "1") {
    out.line("FLEXnet Licensing error: no license for Fusion Render Node could be found.");
    out.line(`Auto-exiting with errcode ${EXIT_STARTUP}`);
    return EXIT_STARTUP;
  }
  if (options.comp === undefined) {
    out.line("Error: no composition given.");
    out.line(`Auto-exiting with errcode ${EXIT_STARTUP}`);
    return EXIT_STARTUP;
  }
  const compPath = nodePath.resolve(options.comp);
  out.line(`Loading Comp at ${options.comp}`);
  let comp: CompFile;
  try {
    comp = readCompFile(compPath);
  } catch (e) {
    const reason = e instanceof CompFileError ? e.message : String(e);
    out.line(`Unable to load composition ${options.comp}: ${reason}`);
    out.line(`Auto-exiting with errcode ${EXIT_STARTUP}`);
    return EXIT_STARTUP;
  }
  if (!options.switches.has("render")) {
    out.line("Error: the stand-in only renders: pass -render.");
    out.line(`Auto-exiting with errcode ${EXIT_STARTUP}`);
    return EXIT_STARTUP;
  }
  let frames: number[];
  try {
    frames = framesToRender(options, comp);
  } catch (e) {
    out.line(`Error: ${(e as Error).message}`);
    out.line(`Auto-exiting with errcode ${EXIT_STARTUP}`);
    return EXIT_STARTUP;
  }

  const outputs = outputsOf(comp, compPath, out);
  // FUSION_STANDIN_FAIL_UNLESS names a file whose existence "fixes" the failure (a retried task then renders).
  const fixedBy = process.env.FUSION_STANDIN_FAIL_UNLESS;
  const failAt = fixedBy !== undefined && fixedBy !== "" && existsSync(fixedBy) ? undefined : process.env.FUSION_STANDIN_FAIL_AT;
  const frameMs = Number(process.env.FUSION_STANDIN_FRAME_MS ?? "0") || 0;
  const skip = frameFilter("FUSION_STANDIN_SKIP_FRAMES");
  const empty = frameFilter("FUSION_STANDIN_EMPTY_FRAMES");
  const began = Date.now();
  out.line(`Render started at ${clock(new Date())} (Range: ${frames[0].toFixed(1)} to ${frames[frames.length - 1].toFixed(1)})`);
  for (let i = 0; i < frames.length; i++) {
    const frame = frames[i];
    const frameBegan = Date.now();
    sleep(frameMs);
    if (failAt !== undefined && failAt.trim() !== "" && Number(failAt) === frame) {
      out.line(`Render failed at ${clock(new Date())}: frame ${frame} could not be rendered (FUSION_STANDIN_FAIL_AT).`);
      out.line(`Auto-exiting with errcode ${EXIT_RENDER_FAILED}`);
      return EXIT_RENDER_FAILED;
    }
    try {
      if (!skip(frame)) for (const output of outputs) writeFrame(output, frame, compPath, empty(frame));
    } catch (e) {
      out.line(`Render failed at ${clock(new Date())}: ${(e as Error).message}`);
      out.line(`Auto-exiting with errcode ${EXIT_RENDER_FAILED}`);
      return EXIT_RENDER_FAILED;
    }
    const took = (Date.now() - frameBegan) / 1000;
    out.line(`Rendered frame ${frame} (${i + 1} of ${frames.length}), took ${took.toFixed(6)} secs`);
  }
  const seconds = (Date.now() - began) / 1000;
  const rate = seconds > 0 ? frames.length / seconds : frames.length;
  out.line(
    `Render completed successfully at ${clock(new Date())} - Total Time: ${totalTime(seconds)}, Average: ${rate.toFixed(2)} frames/second`,
  );
  out.line(`Auto-exiting with errcode ${EXIT_OK}`);
  const exitCode = process.env.FUSION_STANDIN_EXIT_CODE;
  return exitCode !== undefined && exitCode.trim() !== "" ? Number(exitCode) : EXIT_OK;
}

process.exit(main(process.argv.slice(2)));
