import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
let tmp: string;
let bundle: string;
/** A folder with a space and a non-ASCII character, like real project folders. */
let shotDir: string;
let compPath: string;

beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), "render-node-standin-"));
  bundle = path.join(tmp, "FusionRenderNode.cjs");
  buildSync({
    entryPoints: [path.join(repoRoot, "test/support/render-node-standin.ts")],
    bundle: true,
    platform: "node",
    format: "cjs",
    outfile: bundle,
    logLevel: "error",
  });
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

beforeEach(() => {
  shotDir = mkdtempSync(path.join(tmp, "shot dir ✊ "));
  compPath = path.join(shotDir, "render node.comp");
  copyFileSync(path.join(repoRoot, "test/comps/synthetic-render-node.comp"), compPath);
});

interface Run {
  status: number | null;
  stdout: string;
  lines: string[];
}

function run(args: string[], env: Record<string, string> = {}): Run {
  const result = spawnSync(process.execPath, [bundle, ...args], {
    cwd: shotDir,
    encoding: "utf8",
    env: { ...process.env, FUSION_STANDIN_FAIL_AT: "", FUSION_STANDIN_LICENSE_FAIL: "", FUSION_STANDIN_RECORD: "", ...env },
  });
  expect(result.stderr).toBe("");
  return { status: result.status, stdout: result.stdout, lines: result.stdout.replace(/\n$/, "").split("\n") };
}

function renderFiles(): string[] {
  const root = path.join(shotDir, "render");
  if (!existsSync(root)) return [];
  return (readdirSync(root, { recursive: true }) as string[]).map((f) => f.split(path.sep).join("/")).sort();
}

const RENDERED = /^Rendered frame (-?\d+) \((\d+) of (\d+)\), took \d+\.\d{6} secs$/;

function renderedFrames(r: Run): number[] {
  return r.lines.flatMap((l) => {
    const m = RENDERED.exec(l);
    return m ? [Number(m[1])] : [];
  });
}

describe("render-node stand-in: rendering", () => {
  it("renders the comp's RenderRange and prints Fusion's lines", () => {
    const r = run([compPath, "-render", "-verbose", "-status", "-quit"]);
    expect(r.status).toBe(0);
    expect(r.lines[0]).toBe(`Loading Comp at ${compPath}`);
    expect(r.lines[1]).toBe('Warning: Mapped: the stand-in cannot resolve "Temp:/standin/mapped.0000.png"; nothing is written for it.');
    expect(r.lines[2]).toMatch(/^Render started at (Sun|Mon|Tue|Wed|Thu|Fri|Sat) \d{1,2}:\d\d[AP]M \(Range: 1\.0 to 5\.0\)$/);
    expect(r.lines.slice(3, 8).map((l) => RENDERED.exec(l)?.slice(1))).toEqual([
      ["1", "1", "5"], ["2", "2", "5"], ["3", "3", "5"], ["4", "4", "5"], ["5", "5", "5"],
    ]);
    expect(r.lines[8]).toMatch(/^Render completed successfully at \w{3} \d{1,2}:\d\d[AP]M - Total Time: 0h 0m \d+\.\d\ds, Average: \d+\.\d\d frames\/second$/);
    expect(r.lines[9]).toBe("Auto-exiting with errcode 0");
    expect(r.lines).toHaveLength(10);
  });

  it("writes a file per frame for enabled Savers (sequence naming, nested Savers), one file for a movie", () => {
    expect(run([compPath, "-render"]).status).toBe(0);
    expect(renderFiles()).toEqual([
      "movie.mov",
      "nested",
      ...[1, 2, 3, 4, 5].map((f) => `nested/n_${f}.tif`),
      ...[1, 2, 3, 4, 5].map((f) => `shot.000${f}.png`),
    ]);
    const frame3 = readFileSync(path.join(shotDir, "render/shot.0003.png"), "utf8");
    expect(frame3).toContain("saver=Main\n");
    expect(frame3).toContain("frame=3\n");
    expect(frame3).toContain(`comp=${compPath}\n`);
    const movie = readFileSync(path.join(shotDir, "render/movie.mov"), "utf8");
    expect(movie).toContain("saver=Movie\n");
    expect(movie.match(/^frame=\d+$/gm)).toEqual(["frame=1", "frame=2", "frame=3", "frame=4", "frame=5"]);
  });

  it.each([
    [["-render", "-start", "2", "-end", "8", "-step", "3"]],
    [["/render", "/start", "2", "/end", "8", "/step", "3"]],
    [["-RENDER", "/Start", "2", "-END", "8", "/sTeP", "3"]],
    [["-start", "2", "-render", "-step", "3", "-end", "8", "-quiet", "-quietlicense", "-clean", "-quit"]],
  ])("-start/-end/-step in any form: %j", (flags) => {
    const r = run([compPath, ...flags]);
    expect(r.status).toBe(0);
    expect(renderedFrames(r)).toEqual([2, 5, 8]);
    expect(r.lines).toContain("Auto-exiting with errcode 0");
    expect(renderFiles().filter((f) => f.startsWith("shot."))).toEqual(["shot.0002.png", "shot.0005.png", "shot.0008.png"]);
  });

  it("the comp path may come after the flags", () => {
    expect(renderedFrames(run(["-render", "-start", "4", "-end", "5", compPath]))).toEqual([4, 5]);
  });

  it("-frames takes a frame set (Fusion's 1..3,7 syntax)", () => {
    const r = run([compPath, "-render", "-frames", "1..3,7"]);
    expect(r.status).toBe(0);
    expect(renderedFrames(r)).toEqual([1, 2, 3, 7]);
    expect(r.lines.find((l) => l.startsWith("Render started"))).toContain("(Range: 1.0 to 7.0)");
  });

  it("negative frames: values starting with '-' are values, and files get a '-' sign", () => {
    const r = run([compPath, "-render", "-start", "-2", "-end", "0"]);
    expect(r.status).toBe(0);
    expect(renderedFrames(r)).toEqual([-2, -1, 0]);
    expect(renderFiles().filter((f) => f.startsWith("shot."))).toEqual(["shot.-0001.png", "shot.-0002.png", "shot.0000.png"]);
  });

  it("a relative comp path resolves against the working folder", () => {
    const r = run(["render node.comp", "-render", "-start", "1", "-end", "1"]);
    expect(r.status).toBe(0);
    expect(r.lines[0]).toBe("Loading Comp at render node.comp");
    expect(renderFiles()).toContain("shot.0001.png");
  });
});

describe("render-node stand-in: -log", () => {
  it("writes every output line to the log; -cleanlog truncates it first, otherwise it appends", () => {
    const log = path.join(shotDir, "logs", "task 1.log");
    const first = run([compPath, "-render", "-start", "1", "-end", "2", "-log", log, "-cleanlog"]);
    expect(first.status).toBe(0);
    expect(readFileSync(log, "utf8")).toBe(first.stdout);
    const second = run([compPath, "-render", "-start", "3", "-end", "3", "-log", log]);
    expect(readFileSync(log, "utf8")).toBe(first.stdout + second.stdout);
    const third = run([compPath, "-render", "-start", "4", "-end", "4", "/log", log, "/cleanlog"]);
    expect(readFileSync(log, "utf8")).toBe(third.stdout);
  });
});

describe("render-node stand-in: failures", () => {
  it("FUSION_STANDIN_FAIL_AT: prints a render error at that frame and exits 10", () => {
    const log = path.join(shotDir, "fail.log");
    const r = run([compPath, "-render", "-log", log], { FUSION_STANDIN_FAIL_AT: "3" });
    expect(r.status).toBe(10);
    expect(renderedFrames(r)).toEqual([1, 2]);
    expect(r.lines.at(-2)).toMatch(/^Render failed at .*frame 3/);
    expect(r.lines.at(-1)).toBe("Auto-exiting with errcode 10");
    expect(renderFiles().filter((f) => f.startsWith("shot."))).toEqual(["shot.0001.png", "shot.0002.png"]);
    expect(readFileSync(log, "utf8")).toBe(r.stdout);
  });

  it("FUSION_STANDIN_FAIL_AT outside the frames does nothing", () => {
    expect(run([compPath, "-render"], { FUSION_STANDIN_FAIL_AT: "99" }).status).toBe(0);
  });

  it("FUSION_STANDIN_LICENSE_FAIL=1: FLEXnet Licensing error, exit 20, nothing rendered", () => {
    const r = run([compPath, "-render"], { FUSION_STANDIN_LICENSE_FAIL: "1" });
    expect(r.status).toBe(20);
    expect(r.stdout).toContain("FLEXnet Licensing error");
    expect(renderFiles()).toEqual([]);
  });

  it("a missing comp exits 20 with an error naming it", () => {
    const missing = path.join(shotDir, "nope.comp");
    const r = run([missing, "-render"]);
    expect(r.status).toBe(20);
    expect(r.lines[0]).toBe(`Loading Comp at ${missing}`);
    expect(r.stdout).toContain(`Unable to load composition ${missing}`);
    expect(r.stdout).toContain("does not exist");
    expect(r.lines.at(-1)).toBe("Auto-exiting with errcode 20");
  });

  it("a file that is not a comp exits 20", () => {
    const notComp = path.join(shotDir, "notes.comp");
    writeFileSync(notComp, "{ not = 'a comp' }");
    const r = run([notComp, "-render"]);
    expect(r.status).toBe(20);
    expect(r.stdout).toContain("is not a Fusion composition");
  });

  it.each([
    [["-render", "-bogus"], /unknown argument -bogus/],
    [["-render", "-start"], /-start needs a value/],
    [["-render", "-start", "abc"], /-start needs a whole number, not "abc"/],
    [["-render", "-step", "0"], /step 0 is not valid/],
    [["-render", "-start", "9", "-end", "2"], /start is after its end/],
    [["-render", "-frames", "10-1"], /bad -frames: "10-1" counts down/],
    [["-quit"], /only renders: pass -render/],
    [["-render", "extra.comp"], /more than one file given/],
  ])("strict command line: %j exits 20", (flags, message) => {
    const r = run([compPath, ...flags]);
    expect(r.status).toBe(20);
    expect(r.stdout).toMatch(message);
    expect(renderFiles()).toEqual([]);
  });

  it("a comp path split by bad quoting is caught", () => {
    const r = run([path.join(shotDir, "render"), "node.comp", "-render"]);
    expect(r.status).toBe(20);
    expect(r.stdout).toMatch(/more than one file given/);
  });

  it("no comp at all exits 20", () => {
    const r = run(["-render"]);
    expect(r.status).toBe(20);
    expect(r.stdout).toContain("no composition given");
  });
});

describe("render-node stand-in: FUSION_STANDIN_RECORD", () => {
  it("appends one JSON line per run with argv exactly as received, and the cwd", () => {
    const record = path.join(tmp, `record-${path.basename(shotDir)}.jsonl`);
    const tricky = ["a b", 'quote"d', "it's", "$HOME", "%TEMP%", "back\\slash\\", "!bang", "ünï ✊", "", "-"];
    const first = run([compPath, "-render", "-start", "1", "-end", "1"], { FUSION_STANDIN_RECORD: record });
    expect(first.status).toBe(0);
    const second = run([compPath, ...tricky], { FUSION_STANDIN_RECORD: record });
    expect(second.status).toBe(20); // the tricky values are not valid flags: recorded before failing
    const lines = readFileSync(record, "utf8").trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    const [a, b] = lines.map((l) => JSON.parse(l) as { argv: string[]; cwd: string });
    expect(a).toEqual({ argv: [compPath, "-render", "-start", "1", "-end", "1"], cwd: shotDir });
    expect(b).toEqual({ argv: [compPath, ...tricky], cwd: shotDir });
  });
});

describe("render-node stand-in: bundle", () => {
  it("is self-contained (no require of project files) and its folder can be anywhere", () => {
    const moved = path.join(tmp, "elsewhere", "FusionRenderNode");
    mkdirSync(path.dirname(moved), { recursive: true });
    copyFileSync(bundle, moved);
    const r = spawnSync(process.execPath, [moved, compPath, "-render", "-start", "1", "-end", "1"], { cwd: tmp, encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Auto-exiting with errcode 0");
  });
});

describe("render-node stand-in: hooks for the task runners' verification", () => {
  const shots = (): string[] => renderFiles().filter((f) => f.startsWith("shot."));

  it("FUSION_STANDIN_SKIP_FRAMES renders and reports every frame but writes none, or only the others", () => {
    const none = run([compPath, "-render", "-quiet"], { FUSION_STANDIN_SKIP_FRAMES: "all" });
    expect(none.status).toBe(0);
    expect(renderedFrames(none)).toEqual([1, 2, 3, 4, 5]);
    expect(renderFiles()).toEqual([]);
    const some = run([compPath, "-render"], { FUSION_STANDIN_SKIP_FRAMES: "2, 4" });
    expect(some.status).toBe(0);
    expect(shots()).toEqual(["shot.0001.png", "shot.0003.png", "shot.0005.png"]);
  });

  it("FUSION_STANDIN_EMPTY_FRAMES writes those frames' files empty", () => {
    expect(run([compPath, "-render"], { FUSION_STANDIN_EMPTY_FRAMES: "3" }).status).toBe(0);
    expect(readFileSync(path.join(shotDir, "render/shot.0003.png"), "utf8")).toBe("");
    expect(readFileSync(path.join(shotDir, "render/shot.0002.png"), "utf8")).toContain("frame=2");
  });

  it("FUSION_STANDIN_EXIT_CODE: a complete render, then that exit code (a crash on exit)", () => {
    const r = run([compPath, "-render"], { FUSION_STANDIN_EXIT_CODE: "139" });
    expect(r.status).toBe(139);
    expect(r.lines).toContain("Auto-exiting with errcode 0");
    expect(shots()).toHaveLength(5);
  });

  it("FUSION_STANDIN_NEEDS_QUIET: without -quiet it stops at startup, as a modal dialog would; with it, it renders", () => {
    const stuck = run([compPath, "-render"], { FUSION_STANDIN_NEEDS_QUIET: "1" });
    expect(stuck.status).toBe(30);
    expect(stuck.stdout).toContain("without -quiet");
    expect(renderFiles()).toEqual([]);
    expect(run([compPath, "/render", "/quiet"], { FUSION_STANDIN_NEEDS_QUIET: "1" }).status).toBe(0);
  });

  it("FUSION_STANDIN_NEEDS_DISPLAY: without DISPLAY it fails at startup (exit 20)", () => {
    const r = run([compPath, "-render"], { FUSION_STANDIN_NEEDS_DISPLAY: "1", DISPLAY: "" });
    expect(r.status).toBe(20);
    expect(renderFiles()).toEqual([]);
    expect(run([compPath, "-render"], { FUSION_STANDIN_NEEDS_DISPLAY: "1", DISPLAY: ":0" }).status).toBe(0);
  });
});
