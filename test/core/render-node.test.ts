import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  RENDER_NODE_VERSIONS,
  defaultRenderNodePath,
  frameRunLength,
  renderNodeArgs,
  taskCommand,
} from "../../src-node/core/render-node";
import type { FrameRun } from "../../types/request";
import { CMD_INVOCATIONS, cmdRunAs } from "../support/cmd-model";
import { SHELLS } from "../support/shells";

describe("defaultRenderNodePath", () => {
  it("follows Blackmagic's install layout per OS", () => {
    // One list for the helper and the dialog (the field table): the dialog offered 21 while this list stopped at 20.
    expect(RENDER_NODE_VERSIONS).toEqual(["21", "20", "19", "18", "17", "16", "9"]);
    expect(defaultRenderNodePath("linux", "21")).toBe("/opt/BlackmagicDesign/FusionRenderNode21/FusionRenderNode");
    expect(defaultRenderNodePath("windows", "19")).toBe(
      "C:\\Program Files\\Blackmagic Design\\Fusion Render Node 19\\FusionRenderNode.exe",
    );
    expect(defaultRenderNodePath("macosx", "18")).toBe(
      "/Applications/Blackmagic Fusion 18 Render Node/Fusion Render Node.app/Contents/MacOS/Fusion Render Node",
    );
    expect(defaultRenderNodePath("linux", "9")).toBe("/opt/BlackmagicDesign/FusionRenderNode9/FusionRenderNode");
  });
});

describe("renderNodeArgs", () => {
  const run: FrameRun = { start: -5, end: 20, step: 5 };

  it("uses slash flags on Windows and dash flags elsewhere", () => {
    expect(renderNodeArgs("windows", "C:\\c.comp", run, { logFile: "C:\\l.log", cleanLog: true })).toEqual(
      ["C:\\c.comp", "/render", "/start", "-5", "/end", "20", "/step", "5", "/log", "C:\\l.log", "/cleanlog", "/verbose", "/quit"],
    );
    expect(renderNodeArgs("linux", "/c.comp", run, {})).toEqual(
      ["/c.comp", "-render", "-start", "-5", "-end", "20", "-step", "5", "-verbose", "-quit"],
    );
    expect(renderNodeArgs("macosx", "/c.comp", run, { logFile: "/l.log", verbose: false })).toEqual(
      ["/c.comp", "-render", "-start", "-5", "-end", "20", "-step", "5", "-log", "/l.log", "-quit"],
    );
  });

  it("writes frames as plain integers and refuses invalid runs", () => {
    expect(renderNodeArgs("linux", "c", { start: 1e6, end: 1e6, step: 1 }, {}).slice(3, 6)).toEqual(["1000000", "-end", "1000000"]);
    expect(frameRunLength({ start: 1, end: 10, step: 3 })).toBe(4);
    expect(frameRunLength({ start: -3, end: -1, step: 1 })).toBe(3);
    for (const bad of [{ start: 1, end: 2, step: 0 }, { start: 5, end: 1, step: 1 }, { start: 1.5, end: 3, step: 1 }, { start: 1, end: 3, step: NaN }]) {
      expect(() => renderNodeArgs("linux", "c", bad, {})).toThrow();
    }
  });
});

/**
 * A stand-in Render Node: records its argv (NUL-terminated) per invocation, prints Fusion-like output for the
 * frames given by -start/-end/-step, and exits with FAKE_FAIL_CODE on invocation number FAKE_FAIL_RUN.
 */
const FAKE_RENDER_NODE = `#!/bin/sh
n=$(cat "$FAKE_DIR/count" 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > "$FAKE_DIR/count"
printf '%s\\0' "$0" "$@" > "$FAKE_DIR/argv.$n"
comp=$1
while [ $# -gt 0 ]; do
  case "$1" in -start) start=$2; shift ;; -end) end=$2; shift ;; -step) step=$2; shift ;; esac
  shift
done
code=0; [ "$n" = "\${FAKE_FAIL_RUN:-0}" ] && code=\${FAKE_FAIL_CODE:-10}
total=$(( (end - start) / step + 1 ))
{
  echo "Loading Comp at $comp" | head -n 1
  echo "Rendering Comp, frames $start..$end, step $step"
  echo "Render started at Fri 1:53PM (Range: $start.0 to $end.0)"
  f=$start; i=1
  while [ "$f" -le "$end" ]; do
    if [ "$code" != 0 ] && [ "$i" -gt 1 ]; then break; fi
    echo "Rendered frame $f ($i of $total), took 0.270316 secs"
    f=$((f + step)); i=$((i + 1))
  done
  [ "$code" = 0 ] && echo "Render completed successfully at Fri 1:53PM - Total Time: 0h 0m 0.27s"
  echo "Auto-exiting with errcode $code"
} | tee -a "$FAKE_DIR/stdout.log"
echo "fake stderr line $n" >&2
exit $code
`;


const HOSTILE_COMP = "/mnt/hq/shot 010/it's \"q\" $HOME `id` ; & | é 中 😀\nline2\\/comp (v2) #1 *.comp";

describe("taskCommand on linux, run by real shells with a stand-in Render Node", () => {
  let root = "";
  let fakeDir = "";
  let exe = "";
  let awkDirs: { name: string; dir: string }[] = [];

  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), "render-node-"));
    // The executable's own path is hostile too.
    const exeDir = path.join(root, "Blackmagic 'Fusion' 19 $x `y`; é");
    mkdirSync(exeDir);
    exe = path.join(exeDir, "Fusion Render Node");
    writeFileSync(exe, FAKE_RENDER_NODE);
    chmodSync(exe, 0o755);
    // Every POSIX awk available, each first on PATH in turn (mawk/gawk/one-true-awk/busybox).
    const awks: [name: string, program: string, args: string][] = [
      ["awk", "awk", ""],
      ["mawk", "mawk", ""],
      ["gawk --posix", "gawk", "--posix"],
      ["original-awk", "original-awk", ""],
      ["busybox awk", "busybox", "awk"],
    ];
    awkDirs = [];
    for (const [name, program, args] of awks) {
      const found = spawnSync("sh", ["-c", `command -v ${program}`]);
      if (found.status !== 0) continue;
      const dir = path.join(root, `awk-${awkDirs.length}`);
      mkdirSync(dir);
      writeFileSync(path.join(dir, "awk"), `#!/bin/sh\nexec ${found.stdout.toString().trim()} ${args} "$@"\n`, { mode: 0o755 });
      awkDirs.push({ name, dir });
    }
    fakeDir = path.join(root, "state");
    mkdirSync(fakeDir);
  });

  afterAll(() => {
    if (root !== "" && existsSync(root)) rmSync(root, { recursive: true, force: true });
  });

  function runTask(
    command: string,
    opts: { shell?: { name: string; argsPrefix: string[] }; awkDir?: string; failRun?: number; failCode?: number } = {},
  ) {
    const shell = opts.shell ?? { name: "/bin/sh", argsPrefix: [] };
    rmSync(fakeDir, { recursive: true, force: true });
    mkdirSync(fakeDir);
    const result = spawnSync(shell.name, [...shell.argsPrefix, "-c", command], {
      env: {
        ...process.env,
        PATH: opts.awkDir === undefined ? process.env.PATH : `${opts.awkDir}:${process.env.PATH ?? ""}`,
        FAKE_DIR: fakeDir,
        FAKE_FAIL_RUN: String(opts.failRun ?? 0),
        FAKE_FAIL_CODE: String(opts.failCode ?? 0),
        LC_ALL: "C.UTF-8",
      },
    });
    const invocations = existsSync(path.join(fakeDir, "count")) ? Number(readFileSync(path.join(fakeDir, "count"), "utf8")) : 0;
    const argvs: string[][] = [];
    for (let n = 1; n <= invocations; n++) {
      const parts = readFileSync(path.join(fakeDir, `argv.${n}`), "utf8").split("\0");
      parts.pop();
      argvs.push(parts);
    }
    const fakeStdout = existsSync(path.join(fakeDir, "stdout.log")) ? readFileSync(path.join(fakeDir, "stdout.log"), "utf8") : "";
    const stdout = result.stdout.toString("utf8");
    const lines = stdout.split("\n");
    const progress = lines.filter((l) => l.startsWith("ALF_PROGRESS ")).map((l) => l.slice("ALF_PROGRESS ".length));
    const passthrough = lines.filter((l) => !l.startsWith("ALF_PROGRESS ")).join("\n");
    return { status: result.status, stdout, stderr: result.stderr.toString("utf8"), argvs, fakeStdout, progress, passthrough };
  }

  const runs: FrameRun[] = [
    { start: 1, end: 5, step: 1 },
    { start: 10, end: 20, step: 5 },
    { start: -3, end: -1, step: 1 },
  ];
  const expectedProgress = Array.from({ length: 11 }, (_, k) => `${Math.floor((100 * (k + 1)) / 11)}%`);

  it("prints ALF_PROGRESS across all runs, keeps all output, exits 0, passes argv exactly", () => {
    const logFile = "/mnt/hq/logs/task 1 $x.log";
    const command = taskCommand("linux", exe, HOSTILE_COMP, runs, { logFile, progress: true });
    const r = runTask(command);
    expect(r.stderr).toBe("fake stderr line 1\nfake stderr line 2\nfake stderr line 3\n");
    expect(r.status).toBe(0);
    expect(r.progress).toEqual(expectedProgress);
    expect(r.progress.at(-1)).toBe("100%");
    expect(r.passthrough).toBe(r.fakeStdout);
    expect(r.fakeStdout).toContain("Rendered frame -1 (3 of 3)");
    // Each progress line comes right after its frame line.
    const lines = r.stdout.split("\n");
    lines.forEach((line, i) => {
      if (line.startsWith("ALF_PROGRESS")) expect(lines[i - 1]).toMatch(/^Rendered frame -?\d+ \(\d+ of \d+\)/);
    });
    expect(r.argvs).toEqual(
      runs.map((run, index) => [exe, ...renderNodeArgs("linux", HOSTILE_COMP, run, { logFile, cleanLog: index === 0 })]),
    );
    expect(r.argvs[0]).toContain("-cleanlog");
    expect(r.argvs[1]).not.toContain("-cleanlog");
  });

  for (const [failRun, failCode] of [[1, 10], [1, 20], [2, 10], [3, 20]] as const) {
    it(`exits ${failCode} when render ${failRun} fails, and stops there`, () => {
      const r = runTask(taskCommand("linux", exe, HOSTILE_COMP, runs, { progress: true }), { failRun, failCode });
      expect(r.status).toBe(failCode);
      expect(r.argvs).toHaveLength(failRun);
      expect(r.passthrough).toBe(r.fakeStdout);
      expect(r.fakeStdout).toContain(`Auto-exiting with errcode ${failCode}`);
      expect(r.progress.at(-1)).not.toBe("100%");
    });
  }

  it("works in every available shell with every available awk", () => {
    expect(awkDirs.length).toBeGreaterThan(0);
    const command = taskCommand("linux", exe, HOSTILE_COMP, runs, { progress: true });
    const single = taskCommand("linux", exe, HOSTILE_COMP, [{ start: 1, end: 10, step: 1 }], { progress: true });
    for (const shell of SHELLS) {
      for (const awk of awkDirs) {
        const where = `${shell.name} + ${awk.name}`;
        const ok = runTask(command, { shell, awkDir: awk.dir });
        expect(ok.status, where + ok.stderr).toBe(0);
        expect(ok.progress, where).toEqual(expectedProgress);
        expect(ok.passthrough, where).toBe(ok.fakeStdout);
        expect(ok.argvs.map((a) => a[1]), where).toEqual([HOSTILE_COMP, HOSTILE_COMP, HOSTILE_COMP]);
        const failed = runTask(single, { shell, awkDir: awk.dir, failRun: 1, failCode: 20 });
        expect(failed.status, where).toBe(20);
        expect(failed.progress, where).toEqual(["10%"]);
      }
    }
  });

  it("one run: Fusion's own i of n is the progress; a one-frame task needs no wrapper at all", () => {
    const ten = runTask(taskCommand("linux", exe, HOSTILE_COMP, [{ start: 1, end: 19, step: 2 }], { progress: true }));
    expect(ten.status).toBe(0);
    expect(ten.progress).toEqual(["10%", "20%", "30%", "40%", "50%", "60%", "70%", "80%", "90%", "100%"]);
    expect(ten.passthrough).toBe(ten.fakeStdout);

    const one = taskCommand("linux", exe, HOSTILE_COMP, [{ start: 7, end: 7, step: 1 }], { progress: true });
    expect(one).not.toContain("awk");
    const r = runTask(one, { failRun: 1, failCode: 10 });
    expect(r.status).toBe(10);
    expect(r.argvs).toEqual([[exe, ...renderNodeArgs("linux", HOSTILE_COMP, { start: 7, end: 7, step: 1 }, { cleanLog: true })]]);
  });

  it("without progress: a plain && chain with the render's status", () => {
    const command = taskCommand("linux", exe, HOSTILE_COMP, runs, { progress: false });
    expect(command).not.toContain("awk");
    expect(command.split(" && ")).toHaveLength(3);
    const ok = runTask(command);
    expect(ok.status).toBe(0);
    expect(ok.progress).toEqual([]);
    expect(ok.stdout).toBe(ok.fakeStdout);
    const failed = runTask(command, { failRun: 2, failCode: 10 });
    expect(failed.status).toBe(10);
    expect(failed.argvs).toHaveLength(2);
  });

  it("macosx commands quote the default app path and use dash flags", () => {
    const exePath = defaultRenderNodePath("macosx", "19");
    const command = taskCommand("macosx", exePath, "/Volumes/hq/a.comp", [{ start: 1, end: 2, step: 1 }], { progress: false });
    expect(command).toBe(`'${exePath}' /Volumes/hq/a.comp -render -start 1 -end 2 -step 1 -verbose -quit`);
  });
});

describe("taskCommand on windows, through the cmd.exe model (every way the client may start cmd.exe)", () => {
  const exe = defaultRenderNodePath("windows", "19");
  const runs: FrameRun[] = [
    { start: 1, end: 5, step: 1 },
    { start: 10, end: 20, step: 5 },
  ];

  it("chains one render per run with &&, no progress wrapper, argv recovered exactly under all four forms", () => {
    const comp = "\\\\srv\\share\\shot 010\\PATH 100 ^ & (v2) ; ' ` $ = é\\comp.comp";
    const logFile = "\\\\srv\\share\\logs\\task 1\\";
    const command = taskCommand("windows", exe, comp, runs, { logFile, progress: true });
    expect(command).not.toContain("ALF_PROGRESS");
    expect(command.startsWith('"')).toBe(false);
    for (const form of CMD_INVOCATIONS) {
      for (const delayedExpansion of [false, true]) {
        const parsed = cmdRunAs(form, command, { env: { PATH: "C:\\Windows", " 100": "X" }, delayedExpansion });
        expect(parsed.separators).toEqual(["&&"]);
        expect(parsed.commands.map((c) => c.program)).toEqual([exe, exe]);
        expect(parsed.commands.map((c) => c.argv)).toEqual(
          runs.map((run, index) => [exe, ...renderNodeArgs("windows", comp, run, { logFile, cleanLog: index === 0 })]),
        );
      }
    }
    // The backslash before the closing quote is doubled.
    expect(command).toContain(' "\\\\srv\\share\\logs\\task 1\\\\" ');
    expect(command).toContain(" /render /start 1 /end 5 /step 1 /log ");
  });

  it("is readable for a plain path", () => {
    expect(taskCommand("windows", exe, "\\\\srv\\share\\shot 010\\comp.comp", [{ start: 1, end: 10, step: 1 }], { progress: true })).toBe(
      `C:\\"${exe.slice(3)}" "\\\\srv\\share\\shot 010\\comp.comp" /render /start 1 /end 10 /step 1 /verbose /quit`,
    );
  });

  it("refuses paths cmd.exe cannot take, with the reason", () => {
    expect(() => taskCommand("windows", exe, "\\\\srv\\Wow!\\a.comp", runs, { progress: false })).toThrow(/"!"/);
    expect(() => taskCommand("windows", exe, "\\\\srv\\100%\\a.comp", runs, { progress: false })).toThrow(/"%".*batch file/);
    expect(() => taskCommand("windows", exe, "\\\\srv\\a.comp", runs, { progress: false, logFile: 'C:\\"x' })).toThrow(/double quote/);
    expect(() => taskCommand("windows", "C:\\100%\\x.exe", "a.comp", runs, { progress: false })).toThrow(/"%"/);
    expect(() => taskCommand("windows", exe, "a.comp", [], { progress: false })).toThrow();
  });
});

describe.concurrent("taskCommand on macOS/Linux: a cancelled task stops its render", () => {
  // HQueue cancels a task by signalling the process it started (the shell). The render node must not live on.
  const SLOW_RENDER = `#!/bin/sh
# fake render node: one frame per 0.3 s, each frame appended to $FAKE_FRAMES
s=""; e=""; while [ $# -gt 0 ]; do case "$1" in -start) s=$2; shift;; -end) e=$2; shift;; esac; shift; done
n=$((e - s + 1)); i=1; f=$s
while [ $f -le $e ]; do echo "Rendered frame $f ($i of $n), took 0.3 secs"; echo "$f" >> "$FAKE_FRAMES"; sleep 0.3; f=$((f + 1)); i=$((i + 1)); done
exit 0
`;
  let dir = "";
  let exe = "";
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "render-cancel-"));
    exe = path.join(dir, "Fusion Render Node");
    writeFileSync(exe, SLOW_RENDER);
    chmodSync(exe, 0o755);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function cancelAfter(shell: { name: string; argsPrefix: string[] }, runs: FrameRun[], ms: number): Promise<{ status: number | null; signal: NodeJS.Signals | null; frames: number; later: number; stdout: string }> {
    const frames = path.join(dir, `frames-${shell.name.replace(/\W/g, "")}-${runs.length}`);
    rmSync(frames, { force: true });
    const command = taskCommand("linux", exe, "/mnt/hq/x.comp", runs, { progress: true });
    const child = spawn(shell.name, [...shell.argsPrefix, "-c", command], { env: { ...process.env, FAKE_FRAMES: frames } });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
    await new Promise((r) => setTimeout(r, ms));
    child.kill("SIGTERM"); // the task's own process only, not its process group
    const [status, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((r) => child.on("exit", (c, sig) => r([c, sig])));
    const count = () => (existsSync(frames) ? readFileSync(frames, "utf8").trim().split("\n").length : 0);
    const atExit = count();
    await new Promise((r) => setTimeout(r, 1200));
    return { status, signal, frames: atExit, later: count(), stdout };
  }

  for (const shell of SHELLS) {
    it(`one run, ${shell.name}: SIGTERM to the task stops the render node`, async () => {
      const r = await cancelAfter(shell, [{ start: 1, end: 10, step: 1 }], 1000);
      expect(r.status === 143 || r.signal === "SIGTERM").toBe(true);
      expect(r.later).toBe(r.frames);
      expect(r.later).toBeLessThan(10);
      expect(r.stdout).toContain("ALF_PROGRESS 10%");
    });

    it(`several runs, ${shell.name}: SIGTERM during an earlier run stops it and starts no other`, async () => {
      const r = await cancelAfter(shell, [{ start: 1, end: 6, step: 1 }, { start: 20, end: 25, step: 1 }], 1000);
      expect(r.status === 143 || r.signal === "SIGTERM").toBe(true);
      expect(r.later).toBe(r.frames);
      expect(r.later).toBeLessThan(6);
    });

    it(`${shell.name}: progress arrives while rendering, not in one burst at the end (mawk reads pipes in blocks)`, async () => {
      const frames = path.join(dir, `live-${shell.name.replace(/\W/g, "")}`);
      const command = taskCommand("linux", exe, "/mnt/hq/x.comp", [{ start: 1, end: 8, step: 1 }], { progress: true });
      const child = spawn(shell.name, [...shell.argsPrefix, "-c", command], { env: { ...process.env, FAKE_FRAMES: frames } });
      let firstProgress = 0;
      child.stdout.setEncoding("utf8").on("data", (d: string) => {
        if (firstProgress === 0 && d.includes("ALF_PROGRESS")) firstProgress = Date.now();
      });
      await new Promise((r) => child.on("exit", r));
      // 8 frames at 0.3 s: the first progress line comes about 2 s before the end.
      expect(firstProgress).toBeGreaterThan(0);
      expect(Date.now() - firstProgress).toBeGreaterThan(1000);
    });
  }
});
