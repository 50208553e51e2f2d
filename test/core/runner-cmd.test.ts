/**
 * The Windows task runner (src-node/core/runner-cmd.ts) and its task lines, against the cmd.exe model: the task
 * line through every way the HQueue client may start cmd.exe (test/support/cmd-model.ts), then the runner itself
 * through the batch interpreter (test/support/cmd-batch.ts) with a fake Render Node, hostile paths everywhere.
 */
import { describe, expect, it } from "vitest";
import { frameFileName } from "../../src-node/core/savers";
import {
  CRASH_ON_EXIT_MESSAGE,
  EXIT_BAD_ARGUMENTS,
  EXIT_MISSING_FRAMES,
  MISSING_LINE_PREFIX,
  runnerScript,
  runnerTaskLine,
  type RunnerConfig,
} from "../../src-node/core/runners";
import type { FrameRun } from "../../types/request";
import { runBatch } from "../support/cmd-batch";
import { CMD_INVOCATIONS, CmdModelUnsupported, cmdRunAs } from "../support/cmd-model";

const EXE = "C:\\Program Files\\Blackmagic Design\\Fusion Render Node 19\\FusionRenderNode.exe";
/** Inside the runner, anything a Windows path may hold: `%` and `!` included (delayed expansion is off there). */
const HOSTILE = "\\\\srv\\hq\\job 'q' $x & ; ^ ( ) %PATH% 100%% a!b!c ! é 😀 %1 %* %~dp0 ,=";
const COMP = `${HOSTILE}\\sh010 %USERNAME%.comp`;
const OUT = `${HOSTILE}\\out^&\\`;
const LOG_DIR = `${HOSTILE}\\logs\\`;
const ENV = { PATH: "C:\\Windows", USERNAME: "render01", " 100": "X", "PATH% 100": "Y", b: "B", USERPROFILE: "C:\\Users\\r" };

const outputs: RunnerConfig["outputs"] = [
  { saver: "Main", path: `${OUT}img.0000.exr`, movie: false },
  { saver: "NoDigits", path: `${OUT}beauty.png`, movie: false },
  { saver: "Deep", path: `${OUT}deep\\`, movie: false }, // a name of digits only: 0001, in the folder itself
  { saver: "Movie", path: `${OUT}movie.mov`, movie: true },
];
const config: RunnerConfig = { renderNode: EXE, compPath: COMP, outputs, log: { dir: LOG_DIR, prefix: "sh010_%x%_" }, progress: true, label: "sh010.comp" };

interface FakeOptions {
  skip?: (frame: number) => boolean;
  empty?: (frame: number) => boolean;
  exitCode?: number;
  failAt?: number;
}

/** A fake FusionRenderNode.exe: checks its argv strictly, writes each frame's files into `files`. */
function fakeRenderNode(files: Map<string, number>, calls: string[][], fake: FakeOptions) {
  return (argv: string[]): number => {
    calls.push(argv);
    if (argv[0] !== EXE) return 9009; // "not recognized as an internal or external command"
    const [, comp, ...flags] = argv;
    const i = (flag: string): number => flags.indexOf(flag);
    if (comp !== COMP || i("/render") !== 0 || i("/quiet") < 0 || i("/quit") !== flags.length - 1) return 20;
    const start = Number(flags[i("/start") + 1]);
    const end = Number(flags[i("/end") + 1]);
    const step = Number(flags[i("/step") + 1]);
    for (let f = start; f <= end; f += step) {
      if (f === fake.failAt) return 10;
      if (fake.skip?.(f)) continue;
      for (const o of outputs) {
        const file = o.movie ? o.path : frameFileName(o.path, f);
        files.set(file, fake.empty?.(f) && !o.movie ? 0 : 100);
      }
    }
    return fake.exitCode ?? 0;
  };
}

function runRunner(args: string[], fake: FakeOptions = {}, delayedExpansion = false, files = new Map<string, number>()) {
  const calls: string[][] = [];
  const script = runnerScript("windows", config);
  const r = runBatch(script, args, { run: fakeRenderNode(files, calls, fake), files }, { env: ENV, delayedExpansion });
  const missing = r.output.filter((l) => l.startsWith(MISSING_LINE_PREFIX)).map((l) => l.slice(MISSING_LINE_PREFIX.length));
  return { ...r, calls, files, missing };
}

const sequenceFiles = (frames: number[]): string[] =>
  frames.flatMap((f) => outputs.filter((o) => !o.movie).map((o) => `"${o.saver}": "${frameFileName(o.path, f)}"`));

describe("the Windows runner, through the batch interpreter", () => {
  for (const delayedExpansion of [false, true]) {
    const mode = `delayed expansion ${delayedExpansion ? "on" : "off"} in the client's cmd.exe`;

    it(`renders with /quiet and the exact hostile paths, verifies every frame, exits 0 (${mode})`, () => {
      const files = new Map([[`${LOG_DIR}sh010_%x%_1-10.log`, 5]]);
      const r = runRunner(["1", "10", "1"], {}, delayedExpansion, files);
      expect(r.status, r.output.join("\n")).toBe(0);
      expect(r.calls).toEqual([
        [EXE, COMP, "/render", "/start", "1", "/end", "10", "/step", "1", "/log", `${LOG_DIR}sh010_%x%_1-10.log`, "/verbose", "/quiet", "/quit"],
      ]);
      expect(r.files.has(`${LOG_DIR}sh010_%x%_1-10.log`)).toBe(false); // this try's log starts afresh
      expect(r.missing).toEqual([]);
      expect([...r.files.keys()]).toContain(`${OUT}img.0010.exr`);
      expect([...r.files.keys()]).toContain(`${OUT}deep\\0007`);
    });

    it(`no frames written: fails with every missing file listed (${mode})`, () => {
      const r = runRunner(["1", "3", "1"], { skip: () => true }, delayedExpansion);
      expect(r.status).toBe(EXIT_MISSING_FRAMES);
      expect(r.missing).toEqual([...sequenceFiles([1, 2, 3]), `"Movie": "${OUT}movie.mov"`]);
    });

    it(`some frames missing or empty: exactly those listed; the next try succeeds (${mode})`, () => {
      const r = runRunner(["1", "10", "3"], { skip: (f) => f === 4, empty: (f) => f === 10 }, delayedExpansion);
      expect(r.status).toBe(EXIT_MISSING_FRAMES);
      expect(r.missing).toEqual(sequenceFiles([4, 10]));
      const retry = runRunner(["1", "10", "3"], {}, delayedExpansion, r.files);
      expect(retry.status).toBe(0);
    });

    it(`0xC0000005 after a verified render is success, saying so; with frames missing it fails (${mode})`, () => {
      const crash = runRunner(["1", "5", "1"], { exitCode: -1073741819 }, delayedExpansion);
      expect(crash.status).toBe(0);
      expect(crash.output).toContain(CRASH_ON_EXIT_MESSAGE);
      const crashMissing = runRunner(["1", "5", "1"], { exitCode: -1073741819, skip: (f) => f === 5 }, delayedExpansion);
      expect(crashMissing.status).toBe(EXIT_MISSING_FRAMES);
      expect(crashMissing.missing).toEqual(sequenceFiles([5]));
      for (const code of [10, 20, 1, -1073741818, -1]) {
        const failed = runRunner(["1", "5", "1"], { exitCode: code }, delayedExpansion);
        expect(failed.status, String(code)).toBe(code);
        expect(failed.missing).toEqual([]);
      }
      const failAt = runRunner(["1", "5", "1"], { failAt: 2 }, delayedExpansion);
      expect(failAt.status).toBe(10);
      expect(failAt.output.join("\n")).toContain("the Render Node failed (exit code 10)");
    });

    it(`several runs, negative frames, a number longer than its padding (${mode})`, () => {
      const runs: FrameRun[] = [{ start: -3, end: -1, step: 1 }, { start: 10, end: 20, step: 5 }, { start: 12345, end: 12345, step: 1 }];
      const args = runs.flatMap((x) => [String(x.start), String(x.end), String(x.step)]);
      const r = runRunner(args, {}, delayedExpansion);
      expect(r.status, r.output.join("\n")).toBe(0);
      expect(r.calls.map((c) => c.slice(4, 9))).toEqual(runs.map((x) => [String(x.start), "/end", String(x.end), "/step", String(x.step)]));
      expect(r.calls.every((c) => c[10] === `${LOG_DIR}sh010_%x%_-3-12345.log`)).toBe(true);
      expect([...r.files.keys()]).toEqual(expect.arrayContaining([`${OUT}img.-0003.exr`, `${OUT}img.12345.exr`, `${OUT}beauty0015.png`]));
      r.files.delete(`${OUT}img.-0002.exr`);
      const again = runRunner(args, { skip: () => true }, delayedExpansion, r.files);
      expect(again.missing).toEqual([`"Main": "${OUT}img.-0002.exr"`]);
    });

    it(`refuses bad arguments before starting anything (${mode})`, () => {
      for (const args of [[], ["1", "2"], ["1", "x", "1"], ["1", "10", "0"], ["10", "1", "1"], ["1", "010", "1"], ["1", "2", "1", "3"]]) {
        const r = runRunner(args, {}, delayedExpansion);
        expect(r.status, args.join(" ")).toBe(EXIT_BAD_ARGUMENTS);
        expect(r.calls).toEqual([]);
      }
    });
  }

  it("the runner is CRLF text, turns delayed expansion off first, and writes % doubled", () => {
    const script = runnerScript("windows", config);
    expect(script.split("\r\n")[1]).toBe("setlocal EnableExtensions DisableDelayedExpansion");
    expect(script.replace(/\r\n/g, "")).not.toContain("\n");
    expect(script).toContain("%%PATH%% 100%%%%");
  });

  it("refuses what no Windows path holds, naming it", () => {
    expect(() => runnerScript("windows", { ...config, compPath: 'C:\\a"b.comp' })).toThrow(/comp path.*double quote/);
    expect(() => runnerScript("windows", { ...config, outputs: [{ saver: "S", path: "C:\\a\nb", movie: false }] })).toThrow(/output of S.*line break/s);
    expect(() => runnerScript("windows", { ...config, renderNode: "" })).toThrow(/empty/);
    expect(() => runnerScript("windows", { ...config, log: { dir: "C:\\logs", prefix: 'a"' } })).toThrow(/log file name.*double quote/);
    expect(() => runnerScript("windows", { ...config, outputs: [{ saver: 'S"', path: "C:\\x.exr", movie: false }] })).toThrow(/Saver name/);
  });
});

describe("the Windows task line: runs the runner under every way the client may start cmd.exe", () => {
  const jobs = [
    "\\\\srv\\hq\\jobs\\sh010_20261206-051500_ab12\\render-windows.cmd",
    "C:\\Render Jobs\\it's (v2) & co; ^ $x = é 😀\\render-windows.cmd",
    "H:\\jobs\\a,b;c=d\\render-windows.cmd",
  ];
  const runs: FrameRun[] = [{ start: 1, end: 10, step: 1 }, { start: -5, end: 20, step: 5 }];

  for (const runner of jobs) {
    it(runner, () => {
      const line = runnerTaskLine("windows", runner, runs);
      expect(line.startsWith('"')).toBe(false);
      for (const form of CMD_INVOCATIONS) {
        for (const delayedExpansion of [false, true]) {
          const r = cmdRunAs(form, line, { env: ENV, delayedExpansion }, () => true);
          expect(r.separators).toEqual([]);
          expect(r.commands[0].program, `${form} ${line}`).toBe(runner);
          expect(r.argv).toEqual([runner, "1", "10", "1", "-5", "20", "5"]);
          // ... and the runner those arguments reach renders exactly the task's frames.
          const ran = runRunner(r.argv.slice(1), {}, delayedExpansion);
          expect(ran.status).toBe(0);
          expect(ran.calls.map((c) => c[4] + ".." + c[6] + "/" + c[8])).toEqual(["1..10/1", "-5..20/5"]);
        }
      }
    });
  }

  it("is short and readable", () => {
    expect(runnerTaskLine("windows", jobs[0], [{ start: 1, end: 10, step: 1 }])).toBe(
      '\\"\\srv\\hq\\jobs\\sh010_20261206-051500_ab12\\render-windows.cmd" 1 10 1',
    );
    expect(runnerTaskLine("windows", "H:\\jobs\\x\\render-windows.cmd", [{ start: 1, end: 10, step: 1 }])).toBe(
      'H:\\"jobs\\x\\render-windows.cmd" 1 10 1',
    );
  });

  it("refuses a job folder with %, ! or \" before anything is sent, naming it", () => {
    for (const bad of ["\\\\srv\\hq\\100%\\render-windows.cmd", "\\\\srv\\hq\\wow!\\render-windows.cmd", '\\\\srv\\hq\\a"b\\render-windows.cmd']) {
      expect(() => runnerTaskLine("windows", bad, runs)).toThrow(/^Windows task runner: Cannot write the program/);
    }
  });

  it("the interpreter refuses what it does not model", () => {
    const host = { run: () => 0, files: new Map<string, number>() };
    expect(() => runBatch("@echo off\r\nstart x\r\n", [], host)).toThrow(CmdModelUnsupported);
    expect(() => runBatch("@echo off\r\nset /a x=1*2\r\n", [], host)).toThrow(CmdModelUnsupported);
    expect(() => runBatch("@echo off\r\nfor %%A in (*.exr) do echo %%A\r\n", [], host)).toThrow(CmdModelUnsupported);
  });
});
