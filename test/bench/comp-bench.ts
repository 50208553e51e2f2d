/**
 * Section 4 of `npm run bench`: the comp script under LuaJIT.
 *
 * - Dialog open and request build on a synthetic comp of 5,000 tools and 500 Savers: the BUILT comp script runs in the
 *   Fusion stand-in under test/support/bench-fusion.lua, which reads a monotonic clock when the script starts, when
 *   the first scripted action runs inside the dialog's RunLoop (the dialog is open and waiting), and around every
 *   command the script runs. "open" = script start → dialog waiting; "build" = Submit clicked → the helper launched
 *   with `submit`. Time spent inside helper processes (a fake helper that answers at once) is subtracted: that is
 *   Node's start-up, measured in section 1, not the comp script's work. The reference is the same run on a 3-tool
 *   comp (test/comps/lua-basic.comp), so the ratio is what 5,000 tools cost.
 * - JSON encoding (src-lua/json.ts, transpiled alone) of a request whose frame set lists 100,000 frames one by one
 *   (the longest frame set text there is) with 500 Savers; reference: V8's native JSON.stringify of the same document.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../support/run-helper";
import type { Row } from "./bench";
import { median, runProcess, scratchDir } from "./measure";
import { transpileLuaModule } from "../support/lua-module";

export interface CompBenchResult {
  rows: Row[];
  problems: string[];
}

const TARGET_MS = 100;
const TOOLS = 5000;
const SAVERS = 500;
const FRAMES = 100_000;

/** A .comp with `tools` tools, `savers` of them Savers (every 10th pass-through), wired in chains. */
export function syntheticComp(tools: number, savers: number): string {
  const lines = ["Composition {", "\tCurrentTime = 1,", "\tRenderRange = { 1, 100 },", "\tGlobalRange = { 1, 200 },", `\tCurrentID = ${tools},`, '\tVersion = "Fusion Studio 19.1.4 build 6",', "\tTools = ordered() {"];
  const kinds = ["Background", "Blur", "Transform", "ColorCorrector", "Merge", "BrightnessContrast", "Loader"];
  const others = tools - savers;
  for (let i = 1; i <= others; i++) {
    const kind = kinds[i % kinds.length];
    const input = i > 1 ? `\n\t\t\t\tInput = Input { SourceOp = "Tool${i - 1}", Source = "Output", },` : "";
    const clips = kind === "Loader" ? `\n\t\t\tClips = { Clip { ID = "Clip1", Filename = "/mnt/hq/plates/p${i}/p${i}.0000.exr", FormatID = "OpenEXRFormat", Length = 100, }, },` : "";
    lines.push(`\t\tTool${i} = ${kind} {${clips}\n\t\t\tInputs = {${input}\n\t\t\t\tBlend = Input { Value = 0.5, },\n\t\t\t},\n\t\t\tViewInfo = OperatorInfo { Pos = { ${i * 10}, ${i % 50} } },\n\t\t},`);
  }
  for (let s = 1; s <= savers; s++) {
    const name = `Saver${String(s).padStart(4, "0")}`;
    const passThrough = s % 10 === 0 ? "\n\t\t\tPassThrough = true," : "";
    lines.push(
      `\t\t${name} = Saver {${passThrough}\n\t\t\tInputs = {\n\t\t\t\tClip = Input {\n\t\t\t\t\tValue = Clip {\n\t\t\t\t\t\tFilename = "Comp:../render/${name}/${name}.0000.exr",\n\t\t\t\t\t\tFormatID = "OpenEXRFormat",\n\t\t\t\t\t\tLength = 0,\n\t\t\t\t\t\tSaving = true,\n\t\t\t\t\t},\n\t\t\t\t},\n\t\t\t\tInput = Input { SourceOp = "Tool${((s * 7) % others) + 1}", Source = "Output", },\n\t\t\t},\n\t\t\tViewInfo = OperatorInfo { Pos = { ${s * 10}, 500 } },\n\t\t},`,
    );
  }
  lines.push("\t},", "}", "");
  return lines.join("\n");
}

interface Mark {
  name: "script" | "action" | "popen" | "close" | "launch";
  ms: number;
  detail?: string;
}

interface DialogTiming {
  openMs: number;
  buildMs: number;
  /** Commands the script ran while opening (helper calls, node lookup). */
  openCommands: number;
  submitted: boolean;
}

/** Milliseconds spent inside commands (popen → close) between `from` and `to`. */
function commandTime(marks: readonly Mark[], from: number, to: number): number {
  let total = 0;
  const open: Mark[] = [];
  for (const m of marks) {
    if (m.ms < from || m.ms > to) continue;
    if (m.name === "popen") open.push(m);
    else if (m.name === "close") {
      const started = open.pop();
      if (started) total += m.ms - started.ms;
    }
  }
  return total;
}

function timingOf(marks: readonly Mark[]): DialogTiming {
  const script = marks.find((m) => m.name === "script");
  const ready = marks.find((m) => m.name === "action");
  const submit = marks.find((m) => m.name === "launch" && / submit( |$)/.test(m.detail ?? ""));
  if (!script || !ready) throw new Error(`the comp script never reached its dialog (marks: ${marks.map((m) => m.name).join(", ")})`);
  // The last mark before the launch: Submit is clicked right after it (the plan ran in the background before).
  const clicked = submit ? [...marks].reverse().find((m) => m.name === "action" && m.ms <= submit.ms) ?? ready : ready;
  const openCommands = marks.filter((m) => (m.name === "popen" || m.name === "launch") && m.ms >= script.ms && m.ms <= ready.ms && !/^sleep /.test(m.detail ?? "")).length;
  const openMs = ready.ms - script.ms - commandTime(marks, script.ms, ready.ms);
  const buildMs = submit ? submit.ms - clicked.ms - commandTime(marks, clicked.ms, submit.ms) : NaN;
  return { openMs, buildMs, openCommands, submitted: submit !== undefined };
}

function luajit(): string | undefined {
  return spawnSync("luajit", ["-v"]).status === 0 ? "luajit" : undefined;
}

async function dialogRuns(compFile: string, compFileName: string, repeats: number, work: string): Promise<DialogTiming[]> {
  const helperWrapper = join(work, "fake-helper.js");
  writeFileSync(helperWrapper, `require(${JSON.stringify(join(repoRoot, "test/support/fake-helper.js"))}).main(${JSON.stringify({ log: join(work, "calls.jsonl"), responses: {} })});\n`);
  const config = {
    script: join(repoRoot, "dist/build/HQueue Render.lua"),
    platform: "Linux",
    comp: { file: compFile, fileName: compFileName },
    env: { KARTALINK_NODE: process.execPath, KARTALINK_HQUEUE_HELPER: helperWrapper, TMPDIR: work, TEMP: work, TMP: work },
    // Mark (dialog waiting); timers until the debounced plan has answered (it runs in the background); mark,
    // Submit, mark; timers until the submission is answered; then the stand-in closes what is left open.
    actions: [
      { do: "sleep", ms: 0.0001 },
      { do: "timers", maxTicks: 400, sleepMs: 20 },
      { do: "sleep", ms: 0.0001 },
      { do: "click", id: "Submit" },
      { do: "sleep", ms: 0.0001 },
      { do: "timers", maxTicks: 400, sleepMs: 20 },
    ],
    exec: "real",
    uiProgrammaticEvents: true,
    transcript: join(work, "transcript.json"),
  };
  const configFile = join(work, "config.json");
  writeFileSync(configFile, JSON.stringify(config));
  const timings: DialogTiming[] = [];
  for (let i = -1; i < repeats; i++) {
    const marksFile = join(work, "marks.json");
    const run = await runProcess("luajit", [join(repoRoot, "test/support/bench-fusion.lua"), join(repoRoot, "test/support/fusion-standin.lua"), configFile, marksFile], { cwd: repoRoot, timeoutMs: 120_000 });
    if (run.status !== 0 || !existsSync(marksFile)) throw new Error(`the Fusion stand-in failed (exit ${run.status}): ${run.stderr.slice(0, 2000)}`);
    const transcript = JSON.parse(readFileSync(config.transcript, "utf8")) as { error: string | null };
    if (transcript.error) throw new Error(`the comp script failed in the stand-in: ${transcript.error.slice(0, 2000)}`);
    const timing = timingOf(JSON.parse(readFileSync(marksFile, "utf8")) as Mark[]);
    if (i >= 0) timings.push(timing); // the first run warms the file cache
  }
  return timings;
}

/** Transpiles src-lua/json.ts alone (as test/lua/json.test.ts does). */
function transpileJson(work: string): string {
  return transpileLuaModule("src-lua/json.ts", join(work, "json-lua"));
}

/** The same document bench-json.lua builds, for V8's JSON.stringify. */
function jsRequest(frames: number, savers: number): unknown {
  return {
    kind: "kartalink.hqueue.request",
    version: 1,
    server: "hqserver:5000",
    timeoutSeconds: 10,
    comp: {
      path: "/mnt/hq/shots/bench/comp/bench.comp",
      platform: "linux",
      modified: false,
      renderStart: 1,
      renderEnd: 2 * frames,
      globalStart: 1,
      globalEnd: 2 * frames,
      step: 1,
      savers: Array.from({ length: savers }, (_, k) => {
        const i = k + 1;
        const n = String(i).padStart(4, "0");
        return { name: `Saver${i}`, enabled: i % 10 !== 0, path: `/mnt/hq/shots/bench/render/S${n}/S${n}.0000.exr`, rawPath: `Comp:../render/S${n}/S${n}.0000.exr` };
      }),
    },
    job: {
      name: 'bench "quoted" \\ é 🎬',
      description: "line 1\nline 2\ttab",
      priority: 5,
      frames: { kind: "custom", set: Array.from({ length: frames }, (_, i) => String(2 * i + 1)).join(",") },
      framesPerTask: 10,
      environment: { OCIO: "/mnt/hq/ocio/config.ocio" },
      emailReasons: [],
      paused: false,
      progress: true,
    },
    farm: {
      platforms: ["linux", "macosx", "windows"],
      assign: { mode: "groups", names: ["Fusion", "Render"] },
      sameOsOnly: false,
      renderNode: { version: "19" },
      sharedRoots: [{ linux: "/mnt/hq", macosx: "/Volumes/hq", windows: "\\\\srv\\hq" }],
    },
  };
}

export async function benchCompScript(options: { quick: boolean; log: (text: string) => void }): Promise<CompBenchResult> {
  const rows: Row[] = [];
  const problems: string[] = [];
  if (!luajit()) return { rows, problems: ["comp script: luajit is not installed (apt-get install luajit), section skipped"] };
  const script = join(repoRoot, "dist/build/HQueue Render.lua");
  if (!existsSync(script)) return { rows, problems: [`comp script: ${script} is missing; run node Reactor/build.mjs`] };
  const repeats = options.quick ? 3 : 7;
  const work = join(scratchDir(), "comp");
  mkdirSync(work, { recursive: true });

  try {
    const bigComp = join(work, "synthetic-5000-tools.comp");
    writeFileSync(bigComp, syntheticComp(TOOLS, SAVERS));
    options.log(`comp script: dialog on a ${TOOLS}-tool, ${SAVERS}-Saver comp`);
    const big = await dialogRuns(bigComp, "/mnt/hq/shots/bench/comp/synthetic.comp", repeats, work);
    options.log("comp script: dialog on the 3-tool reference comp");
    const small = await dialogRuns(join(repoRoot, "test/comps/lua-basic.comp"), "/mnt/hq/shots/bench/comp/basic.comp", repeats, work);
    if (!big.every((t) => t.submitted)) problems.push("comp script: Submit did not launch the helper's submit command on the 5,000-tool comp");
    const openMs = big.map((t) => t.openMs);
    const buildMs = big.map((t) => t.buildMs).filter(Number.isFinite);
    rows.push(
      row("comp-open-5000-tools", `comp script: open the dialog, ${TOOLS.toLocaleString("en-US")} tools / ${SAVERS} Savers`, openMs, "same, 3-tool comp", small.map((t) => t.openMs),
        `helper runs during open (not counted): ${big[0]?.openCommands ?? 0}`),
      row("comp-build-5000-tools", `comp script: Submit → request built and helper launched, ${SAVERS} Savers`, buildMs, "same, 3-tool comp", small.map((t) => t.buildMs).filter(Number.isFinite)),
    );
  } catch (e) {
    problems.push(`comp script dialog: ${(e as Error).message}`);
  }

  try {
    options.log(`comp script: JSON encoding of a ${FRAMES.toLocaleString("en-US")}-frame request`);
    const module = transpileJson(work);
    const lua = await runProcess("luajit", [join(repoRoot, "test/support/bench-json.lua"), module, String(FRAMES), String(SAVERS), String(repeats), "listed"], { cwd: repoRoot });
    if (lua.status !== 0) throw new Error(lua.stderr);
    const result = JSON.parse(lua.stdout) as { runs: number[]; bytes: number };
    const doc = jsRequest(FRAMES, SAVERS);
    const v8: number[] = [];
    let v8Bytes = 0;
    for (let i = 0; i < repeats; i++) {
      const started = process.hrtime.bigint();
      v8Bytes = JSON.stringify(doc).length;
      v8.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    rows.push(
      row("comp-json-100000-frames", `comp script: encode a ${FRAMES.toLocaleString("en-US")}-frame request as JSON (json.ts)`, result.runs, "V8 JSON.stringify, same document", v8,
        `${(result.bytes / 1e6).toFixed(2)} MB of JSON (V8: ${(v8Bytes / 1e6).toFixed(2)} MB); frame set lists every frame, ${SAVERS} Savers`),
    );
  } catch (e) {
    problems.push(`comp script JSON: ${(e as Error).message}`);
  }
  return { rows, problems };
}

function row(id: string, label: string, runs: number[], referenceLabel: string, referenceRuns: number[], note?: string): Row {
  const value = median(runs);
  const reference = median(referenceRuns);
  return {
    section: "comp script",
    id,
    label,
    unit: "ms",
    median: value,
    runs,
    reference: { label: referenceLabel, median: reference, runs: referenceRuns },
    ratio: reference > 0 ? value / reference : undefined,
    target: { text: `< ${TARGET_MS} ms`, met: value < TARGET_MS },
    note,
  };
}
