/**
 * Section "ui" of `npm run bench`: the longest time any event handler of the BUILT comp script keeps Fusion's UI
 * thread, while the real helper talks to a SLOW HQueue server (test/support/faulty-server.ts answering every call
 * after SLOW_MS). The Fusion stand-in measures each handler with a monotonic clock (time inside nested RunLoops, i.e.
 * modal message windows, excluded) and reports the slowest (transcript.slowestHandler).
 *
 * Scenario, as an artist would click: set the server (the debounced plan asks it for its shared roots), Test, Submit,
 * then the job monitor polls the job's status. Timers fire as in Fusion (real time passes between ticks).
 * Reference: the same scenario against a server that answers at once. Target: < 50 ms whatever the server does.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startFaultyServer, type Misbehaviour } from "../support/faulty-server";
import { repoRoot } from "../support/run-helper";
import type { Row } from "./bench";
import { median, runProcess, scratchDir } from "./measure";

const TARGET_MS = 50;
const SLOW_MS = 400;
const METHODS = ["ping", "getVersion", "getNetworkFolders", "getHQRoot", "newjob", "getJob", "getJobs", "getClients", "getClientGroups", "getAllJobStatusNames"];

interface HandlerRun {
  slowestMs: number;
  label: string;
  submitted: boolean;
}

async function scenario(server: string, work: string, index: number): Promise<HandlerRun> {
  const dir = join(work, `run-${index}`);
  mkdirSync(join(dir, "shots"), { recursive: true });
  const transcriptFile = join(dir, "transcript.json");
  const wait = (ticks: number) => ({ do: "timers", maxTicks: ticks, sleepMs: 20 });
  const config = {
    script: join(repoRoot, "dist/build/HQueue Render.lua"),
    platform: "Linux",
    comp: { file: join(repoRoot, "test/comps/lua-basic.comp"), fileName: join(dir, "shots", "basic.comp") },
    env: { KARTALINK_NODE: process.execPath, KARTALINK_HQUEUE_HELPER: join(repoRoot, "dist/build/hqueue-helper.js"), TMPDIR: dir, TEMP: dir, TMP: dir, HQUEUE_SERVER: false },
    actions: [
      { do: "set", id: "Server", prop: "Text", value: server },
      wait(400),
      { do: "click", id: "TestServer" },
      wait(400),
      { do: "click", id: "Submit" },
      wait(800),
    ],
    exec: "real",
    uiProgrammaticEvents: true,
    // The monitor: its status polls run while the artist watches, then the window is closed.
    idleTimers: true,
    idleMaxTicks: 400,
    transcript: transcriptFile,
  };
  const configFile = join(dir, "config.json");
  writeFileSync(configFile, JSON.stringify(config));
  const run = await runProcess("luajit", [join(repoRoot, "test/support/fusion-standin.lua"), configFile], { cwd: repoRoot, timeoutMs: 180_000 });
  if (run.status !== 0 || !existsSync(transcriptFile)) throw new Error(`the Fusion stand-in failed (exit ${run.status}): ${run.stderr.slice(0, 2000)}`);
  const transcript = JSON.parse(readFileSync(transcriptFile, "utf8")) as {
    error: string | null;
    slowestHandler: { ms: number; label: string | null };
    windows: { id: string }[];
  };
  if (transcript.error) throw new Error(`the comp script failed in the stand-in: ${transcript.error.slice(0, 2000)}`);
  return {
    slowestMs: transcript.slowestHandler.ms,
    label: transcript.slowestHandler.label ?? "(none)",
    submitted: transcript.windows.some((w) => w.id === "KartaLinkHQueueMonitor"),
  };
}

export async function benchUiHandlers(options: { quick: boolean; log: (text: string) => void }): Promise<{ rows: Row[]; problems: string[] }> {
  const rows: Row[] = [];
  const problems: string[] = [];
  if (!existsSync(join(repoRoot, "dist/build/HQueue Render.lua"))) return { rows, problems: ["ui: the built comp script is missing; run node Reactor/build.mjs"] };
  const repeats = options.quick ? 2 : 5;
  const work = join(scratchDir(), "ui");
  mkdirSync(work, { recursive: true });
  const late: Record<string, Misbehaviour> = {};
  for (const method of METHODS) late[method] = { kind: "late", delayMs: SLOW_MS };
  const slow = await startFaultyServer({ methods: late });
  const fast = await startFaultyServer();
  try {
    const slowRuns: HandlerRun[] = [];
    const fastRuns: HandlerRun[] = [];
    options.log(`ui: plan, Test, Submit and the monitor against a server answering every call after ${SLOW_MS} ms`);
    for (let i = 0; i < repeats; i++) slowRuns.push(await scenario(slow.url.replace("http://", ""), work, 2 * i));
    options.log("ui: the same against a server answering at once");
    for (let i = 0; i < repeats; i++) fastRuns.push(await scenario(fast.url.replace("http://", ""), work, 2 * i + 1));
    if (!slowRuns.every((r) => r.submitted)) problems.push("ui: Submit did not reach the job monitor against the slow server");
    const value = median(slowRuns.map((r) => r.slowestMs));
    const reference = median(fastRuns.map((r) => r.slowestMs));
    const labels = [...new Set(slowRuns.map((r) => r.label))].join(", ");
    rows.push({
      section: "comp script",
      id: "ui-longest-handler-slow-server",
      label: `comp script: longest UI event handler, server answering after ${SLOW_MS} ms (plan, Test, Submit, monitor)`,
      unit: "ms",
      median: value,
      runs: slowRuns.map((r) => r.slowestMs),
      reference: { label: "same, server answering at once", median: reference, runs: fastRuns.map((r) => r.slowestMs) },
      ratio: reference > 0 ? value / reference : undefined,
      target: { text: `< ${TARGET_MS} ms`, met: value < TARGET_MS },
      note: `slowest handlers: ${labels}; worst run ${Math.max(...slowRuns.map((r) => r.slowestMs)).toFixed(1)} ms (the handlers that launch a process pay for sh's fork and exec, which a loaded machine delays)`,
    });
  } catch (e) {
    problems.push(`ui: ${(e as Error).message}`);
  } finally {
    await slow.close();
    await fast.close();
  }
  return { rows, problems };
}
