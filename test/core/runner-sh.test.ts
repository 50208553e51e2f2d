/**
 * The POSIX sh task runner (src-node/core/runner-sh.ts), run by every POSIX shell on this machine with the
 * Fusion Render Node stand-in (dist/dev/render-node/FusionRenderNode, built by the global setup) in a hostile
 * job folder: the render node, comp, log folder and outputs all live under paths full of shell syntax.
 */
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { frameFileName } from "../../src-node/core/savers";
import {
  EXIT_BAD_ARGUMENTS,
  EXIT_MISSING_FRAMES,
  MISSING_LINE_PREFIX,
  NO_DISPLAY_MESSAGE,
  runnerFileName,
  runnerScript,
  runnerTaskLine,
  type RunnerConfig,
} from "../../src-node/core/runners";
import type { FrameRun } from "../../types/request";
import { SHELLS } from "../support/shells";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const STANDIN = path.join(repoRoot, "dist/dev/render-node/FusionRenderNode");
const HOSTILE = `job 'q' "d" $HOME \`id\` $(id) & ; | < > * ? [a] {b,c} ~ # ! % \\ é 😀`;

/** A Lua string literal for the comp file. */
function luaString(s: string): string {
  return '"' + s.replace(/\\/g, "\\\\").replace(/"/g, '\\"') + '"';
}

let root = "";
let job = "";
let out = "";
let exe = "";
let comp = "";
let logDir = "";
let binDir = "";
const outputs = (): RunnerConfig["outputs"] => [
  { saver: "Main", path: path.join(out, "img.0000.exr"), movie: false },
  { saver: "No Digits", path: path.join(out, "beauty.png"), movie: false },
  { saver: "Version", path: path.join(out, "shot_v2.tif"), movie: false },
  { saver: "Movie", path: path.join(out, "movie.mov"), movie: true },
];

function writeComp(): void {
  const savers = outputs()
    .map((o, i) => `\t\tS${i} = Saver { Inputs = { Clip = Input { Value = Clip { Filename = ${luaString(o.path)}, }, }, }, },`)
    .join("\n");
  writeFileSync(comp, `Composition {\n\tRenderRange = { 1, 10 },\n\tGlobalRange = { 1, 10 },\n\tTools = ordered() {\n${savers}\n\t},\n}\n`);
}

function config(progress = true): RunnerConfig {
  return { renderNode: exe, compPath: comp, outputs: outputs(), log: { dir: logDir, prefix: "sh010 'x' $y_" }, progress, label: "sh010.comp" };
}

function writeRunner(platform: "linux" | "macosx", cfg = config()): string {
  const file = path.join(job, runnerFileName(platform));
  writeFileSync(file, runnerScript(platform, cfg));
  return file;
}

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), "runner-sh-"));
  job = path.join(root, HOSTILE);
  out = path.join(root, `out ${HOSTILE}`);
  logDir = path.join(root, `logs ${HOSTILE}`);
  mkdirSync(job, { recursive: true });
  mkdirSync(path.join(job, "Fusion Render Node 19 $x"));
  exe = path.join(job, "Fusion Render Node 19 $x", "Fusion Render Node");
  copyFileSync(STANDIN, exe);
  comp = path.join(job, "sh010 $x.comp");
  writeComp();
  // A PATH with node (for the stand-in's #!/usr/bin/env node) and the basic tools, but no xvfb-run.
  binDir = path.join(root, "bin");
  mkdirSync(binDir);
  writeFileSync(path.join(binDir, "xvfb-run"), '#!/bin/sh\n[ "$1" = -a ] || { echo "xvfb-run: expected -a" >&2; exit 99; }\nshift\necho "xvfb-run: virtual display :99"\nDISPLAY=:99 exec "$@"\n', { mode: 0o755 });
});

afterAll(() => {
  if (root !== "") rmSync(root, { recursive: true, force: true });
});

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
  lines: string[];
  missing: string[];
  progress: string[];
  argvs: string[][];
}

function clearOutputs(): void {
  rmSync(out, { recursive: true, force: true });
  rmSync(logDir, { recursive: true, force: true });
}

/** Runs `argv` (a shell and its arguments) with the stand-in's hooks in `env`; DISPLAY set unless given. */
function run(argv: string[], env: Record<string, string | undefined> = {}): Result {
  const record = path.join(root, "record.jsonl");
  rmSync(record, { force: true });
  const baseEnv: Record<string, string | undefined> = { ...process.env, DISPLAY: ":0", FUSION_STANDIN_RECORD: record, FUSION_STANDIN_NEEDS_QUIET: "1", FUSION_STANDIN_NEEDS_DISPLAY: "1", LC_ALL: "C.UTF-8" };
  for (const key of Object.keys(baseEnv)) if (key.startsWith("FUSION_STANDIN_") && !["FUSION_STANDIN_RECORD", "FUSION_STANDIN_NEEDS_QUIET", "FUSION_STANDIN_NEEDS_DISPLAY"].includes(key)) delete baseEnv[key];
  const merged = { ...baseEnv, ...env };
  for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
  const r = spawnSync(argv[0], argv.slice(1), { env: merged as NodeJS.ProcessEnv, encoding: "utf8" });
  const lines = r.stdout.split("\n");
  const argvs = existsSync(record)
    ? readFileSync(record, "utf8").trim().split("\n").filter(Boolean).map((l) => (JSON.parse(l) as { argv: string[] }).argv)
    : [];
  return {
    status: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    lines,
    missing: lines.filter((l) => l.startsWith(MISSING_LINE_PREFIX)).map((l) => l.slice(MISSING_LINE_PREFIX.length)),
    progress: lines.filter((l) => l.startsWith("ALF_PROGRESS ")).map((l) => l.slice("ALF_PROGRESS ".length)),
    argvs,
  };
}

const sequenceFiles = (frames: number[]): string[] =>
  frames.flatMap((f) => outputs().filter((o) => !o.movie).map((o) => `${o.saver}: ${frameFileName(o.path, f)}`));
const range = (a: number, b: number, step = 1): number[] => Array.from({ length: Math.floor((b - a) / step) + 1 }, (_, k) => a + k * step);

describe("the sh runner under every POSIX shell, hostile paths everywhere", () => {
  for (const shell of SHELLS) {
    const sh = [shell.name, ...shell.argsPrefix];

    it(`${shell.name}: renders with -quiet, reports progress, verifies every frame, exits 0`, () => {
      clearOutputs();
      const runner = writeRunner("linux");
      const r = run([...sh, runner, "1", "10", "1"]);
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(r.missing).toEqual([]);
      expect(r.progress).toEqual(range(1, 10).map((k) => `${k * 10}%`));
      expect(r.argvs).toHaveLength(1);
      const logFile = path.join(logDir, "sh010 'x' $y_1-10.log");
      expect(r.argvs[0]).toEqual([comp, "-render", "-start", "1", "-end", "10", "-step", "1", "-log", logFile, "-verbose", "-quiet", "-quit"]);
      expect(readFileSync(logFile, "utf8")).toContain("Rendered frame 10 (10 of 10)");
      for (const f of range(1, 10)) for (const o of outputs().filter((x) => !x.movie)) expect(statSync(frameFileName(o.path, f)).size).toBeGreaterThan(0);
      expect(existsSync(path.join(out, "img.0007.exr")) && existsSync(path.join(out, "beauty0007.png")) && existsSync(path.join(out, "shot_v7.tif"))).toBe(true);
    });

    it(`${shell.name}: a render node that writes no frames fails the task, listing every missing file`, () => {
      clearOutputs();
      const r = run([...sh, writeRunner("linux"), "1", "4", "1"], { FUSION_STANDIN_SKIP_FRAMES: "all" });
      expect(r.status).toBe(EXIT_MISSING_FRAMES);
      expect(r.missing).toEqual([...sequenceFiles(range(1, 4)), `Movie: ${path.join(out, "movie.mov")}`]);
      expect(r.stdout).toContain("13 expected output file(s) missing or empty");
    });

    it(`${shell.name}: some frames missing or empty fail the task with exactly those; the next try succeeds`, () => {
      clearOutputs();
      const runner = writeRunner("linux");
      const r = run([...sh, runner, "1", "10", "3"], { FUSION_STANDIN_SKIP_FRAMES: "4,10", FUSION_STANDIN_EMPTY_FRAMES: "7" });
      expect(r.status).toBe(EXIT_MISSING_FRAMES);
      expect(r.missing).toEqual(sequenceFiles([4, 7, 10]));
      const retry = run([...sh, runner, "1", "10", "3"]);
      expect(retry.status, retry.stdout).toBe(0);
      expect(retry.missing).toEqual([]);
    });

    it(`${shell.name}: a failed render fails the task with its status, before any verification`, () => {
      clearOutputs();
      const r = run([...sh, writeRunner("linux"), "1", "10", "1"], { FUSION_STANDIN_FAIL_AT: "3" });
      expect(r.status).toBe(10);
      expect(r.missing).toEqual([]);
      expect(r.stdout).toContain("the Render Node failed (exit status 10)");
      // A crash on exit after a good render is a failure on Linux/macOS (only Windows' 0xC0000005 is let through).
      expect(run([...sh, writeRunner("linux"), "1", "2", "1"], { FUSION_STANDIN_EXIT_CODE: "139" }).status).toBe(139);
    });

    it(`${shell.name}: several runs with negative frames, one log, progress over the whole task`, () => {
      clearOutputs();
      const runs: FrameRun[] = [{ start: -3, end: -1, step: 1 }, { start: 10, end: 20, step: 5 }, { start: 12345, end: 12345, step: 1 }];
      const line = runnerTaskLine("linux", writeRunner("linux"), runs);
      const r = run([...sh, "-c", line.replace(/^\/bin\/sh /, `${shell.name} ${shell.argsPrefix.join(" ")} `)]);
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(r.argvs.map((a) => a.slice(2, 8))).toEqual(runs.map((x) => ["-start", String(x.start), "-end", String(x.end), "-step", String(x.step)]));
      expect(r.argvs.every((a) => a[9] === path.join(logDir, "sh010 'x' $y_-3-12345.log"))).toBe(true);
      expect(r.progress).toEqual(["14%", "28%", "42%", "57%", "71%", "85%", "100%"]);
      expect(existsSync(path.join(out, "img.-0003.exr")) && existsSync(path.join(out, "img.12345.exr"))).toBe(true);
      // Delete two frames: the next check of the same task lists exactly them.
      rmSync(path.join(out, "img.-0002.exr"));
      writeFileSync(path.join(out, "beauty0015.png"), "");
      const again = run([...sh, writeRunner("linux"), "-3", "-1", "1", "10", "20", "5", "12345", "12345", "1"], { FUSION_STANDIN_SKIP_FRAMES: "all" });
      expect(again.missing).toEqual([`Main: ${path.join(out, "img.-0002.exr")}`, `No Digits: ${path.join(out, "beauty0015.png")}`]);
    });

    it(`${shell.name}: refuses bad arguments before starting anything`, () => {
      const runner = writeRunner("linux");
      for (const args of [[], ["1", "2"], ["1", "x", "1"], ["1", "10", "0"], ["10", "1", "1"], ["1", "2", "1", "3"], ["1", "$(id)", "1"], ["1", "", "1"], ["--", "2", "1"]]) {
        const r = run([...sh, runner, ...args]);
        expect(r.status, args.join(" ")).toBe(EXIT_BAD_ARGUMENTS);
        expect(r.argvs).toEqual([]);
      }
    });
  }
});

describe("the Linux runner and the display", () => {
  const noXvfbPath = (): string => {
    // node's folder and the system folders, minus any real xvfb-run (checked below).
    return [path.dirname(process.execPath), "/usr/bin", "/bin"].join(":");
  };
  const hasRealXvfb = spawnSync("sh", ["-c", "PATH=/usr/bin:/bin command -v xvfb-run"]).status === 0;

  it("no DISPLAY, xvfb-run on PATH: runs the Render Node under xvfb-run -a", () => {
    clearOutputs();
    const r = run(["/bin/sh", writeRunner("linux"), "1", "2", "1"], { DISPLAY: undefined, PATH: `${binDir}:${noXvfbPath()}` });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("xvfb-run: virtual display :99");
    expect(r.stdout).not.toContain(NO_DISPLAY_MESSAGE);
  });

  it.skipIf(hasRealXvfb)("no DISPLAY and no xvfb-run: says exactly that before the render starts", () => {
    clearOutputs();
    const r = run(["/bin/sh", writeRunner("linux"), "1", "2", "1"], { DISPLAY: undefined, PATH: noXvfbPath() });
    expect(r.status).toBe(20);
    const message = r.lines.indexOf(NO_DISPLAY_MESSAGE);
    expect(message).toBeGreaterThanOrEqual(0);
    // The stand-in's first line (it stops at startup without a display, as a real headless one may).
    const renderNodeFirst = r.lines.findIndex((l) => l.startsWith("qt.qpa.xcb"));
    expect(renderNodeFirst).toBeGreaterThan(message);
  });

  it("with a DISPLAY: no xvfb-run, no message; macOS never looks for a display", () => {
    clearOutputs();
    const r = run(["/bin/sh", writeRunner("linux"), "1", "2", "1"], { PATH: `${binDir}:${noXvfbPath()}` });
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain("xvfb-run");
    const mac = runnerScript("macosx", config());
    expect(mac).not.toContain("DISPLAY");
    expect(mac).not.toContain("xvfb-run");
    const macRun = run(["/bin/sh", writeRunner("macosx"), "1", "2", "1"], { DISPLAY: undefined, FUSION_STANDIN_NEEDS_DISPLAY: "0", PATH: noXvfbPath() });
    expect(macRun.status).toBe(0);
  });

  it("without progress: no awk, same verification", () => {
    clearOutputs();
    const r = run(["/bin/sh", writeRunner("linux", config(false)), "1", "3", "1"], { FUSION_STANDIN_SKIP_FRAMES: "2" });
    expect(r.progress).toEqual([]);
    expect(r.status).toBe(EXIT_MISSING_FRAMES);
    expect(r.missing).toEqual(sequenceFiles([2]));
  });
});

describe.concurrent("the sh runner: a cancelled task stops its render", () => {
  for (const shell of SHELLS) {
    it(`${shell.name}: progress arrives while rendering; SIGTERM to the runner stops the Render Node and skips verification`, { timeout: 60000 }, async () => {
      const frames = mkdtempSync(path.join(root, "cancel-"));
      const saver = path.join(frames, "c.0000.exr");
      const cancelComp = path.join(frames, "c.comp");
      writeFileSync(cancelComp, `Composition {\n\tRenderRange = { 1, 40 },\n\tTools = ordered() {\n\t\tS = Saver { Inputs = { Clip = Input { Value = Clip { Filename = ${luaString(saver)}, }, }, }, },\n\t},\n}\n`);
      const runner = path.join(frames, "render-linux.sh");
      writeFileSync(runner, runnerScript("linux", { renderNode: exe, compPath: cancelComp, outputs: [{ saver: "S", path: saver, movie: false }], progress: true }));
      const child = spawn(shell.name, [...shell.argsPrefix, runner, "1", "40", "1"], { env: { ...process.env, DISPLAY: ":0", FUSION_STANDIN_FRAME_MS: "150" } });
      let stdout = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
      // Cancel once the render is under way (the machine may be slow to start node).
      for (let waited = 0; !stdout.includes("Rendered frame 2 ") && waited < 30000; waited += 50) await new Promise((r) => setTimeout(r, 50));
      child.kill("SIGTERM");
      const status = await new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
      const count = (): number => readdirSync(frames).filter((f) => f.endsWith(".exr")).length;
      const atExit = count();
      await new Promise((r) => setTimeout(r, 1000));
      expect(status).toBe(143);
      expect(count()).toBe(atExit);
      expect(atExit).toBeGreaterThan(0);
      expect(atExit).toBeLessThan(40);
      expect(stdout).toContain("ALF_PROGRESS");
      expect(stdout).not.toContain(MISSING_LINE_PREFIX);
    });
  }
});

describe("runnerTaskLine for Linux and macOS", () => {
  it("is one short line: /bin/sh, the quoted runner path, the frames", () => {
    expect(runnerTaskLine("linux", "/mnt/hq/jobs/sh010_20261206-051500_ab12/render-linux.sh", [{ start: 1, end: 10, step: 1 }])).toBe(
      "/bin/sh /mnt/hq/jobs/sh010_20261206-051500_ab12/render-linux.sh 1 10 1",
    );
    expect(runnerTaskLine("macosx", "/Volumes/hq/it's/render-macosx.sh", [{ start: -5, end: 5, step: 2 }, { start: 9, end: 9, step: 1 }])).toBe(
      "/bin/sh '/Volumes/hq/it'\\''s/render-macosx.sh' -5 5 2 9 9 1",
    );
    expect(() => runnerTaskLine("linux", "/x.sh", [])).toThrow();
    expect(() => runnerTaskLine("linux", "/x.sh", [{ start: 5, end: 1, step: 1 }])).toThrow();
  });

  it("the task line, run by each shell's -c, reaches the runner with the hostile job folder", () => {
    clearOutputs();
    const line = runnerTaskLine("linux", writeRunner("linux"), [{ start: 1, end: 2, step: 1 }]);
    for (const shell of SHELLS) {
      const r = run([shell.name, ...shell.argsPrefix, "-c", line]);
      expect(r.status, `${shell.name}: ${r.stdout}${r.stderr}`).toBe(0);
      expect(r.argvs[0][0]).toBe(comp);
    }
  });
});
