/**
 * Measuring tools for `npm run bench`: run a process and time it (wall clock, from spawn to exit, i.e. what a
 * user or a comp script waits), read its peak memory, and reduce repeated runs to a median.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface ProcessRun {
  /** Wall-clock milliseconds from spawn to exit. */
  ms: number;
  status: number | null;
  stdout: string;
  stderr: string;
  /** Peak resident set size in MB, when it could be read. */
  peakMB?: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * How time grows with size between two measurements: the exponent k in t ∝ n^k
 * (1 = linear, 2 = quadratic). NaN when either measurement is unusable.
 */
export function growthExponent(smallN: number, smallT: number, bigN: number, bigT: number): number {
  if (!(smallN > 0 && bigN > smallN && smallT > 0 && bigT > 0)) return NaN;
  return Math.log(bigT / smallT) / Math.log(bigN / smallN);
}

let preloadDir: string | undefined;

/**
 * A `--require` preload for node children that writes `process.resourceUsage().maxRSS` (KB) on exit to the file
 * named by $BENCH_MAXRSS_FILE: the child's own peak memory, without /usr/bin/time (absent on some systems).
 */
function maxRssPreload(): string {
  if (!preloadDir) {
    preloadDir = mkdtempSync(join(tmpdir(), "hq-bench-"));
    process.once("exit", () => rmSync(preloadDir as string, { recursive: true, force: true }));
  }
  const file = join(preloadDir, "maxrss-preload.js");
  if (!existsSync(file)) {
    writeFileSync(
      file,
      'process.on("exit", () => { try { require("fs").writeFileSync(process.env.BENCH_MAXRSS_FILE, String(process.resourceUsage().maxRSS)); } catch (e) {} });\n',
    );
  }
  return file;
}

export function scratchDir(): string {
  maxRssPreload();
  return preloadDir as string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** Kill the process after this long (default 10 minutes). */
  timeoutMs?: number;
  /** Node children only: measure the peak memory with a preload (adds a few ms of start-up). */
  nodePeakMemory?: boolean;
  cwd?: string;
}

export function runProcess(command: string, args: readonly string[], options: RunOptions = {}): Promise<ProcessRun> {
  let finalArgs = [...args];
  const env: NodeJS.ProcessEnv = { ...process.env, HQUEUE_SERVER: "", ...options.env };
  let rssFile: string | undefined;
  if (options.nodePeakMemory) {
    rssFile = join(scratchDir(), `rss-${process.hrtime.bigint()}.txt`);
    env.BENCH_MAXRSS_FILE = rssFile;
    finalArgs = ["--require", maxRssPreload(), ...finalArgs];
  }
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, finalArgs, { env, cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 600_000);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    // "exit", not "close": the wall time of the process itself, not of draining its pipes.
    let exitedAt = 0n;
    child.on("exit", () => {
      exitedAt = process.hrtime.bigint();
    });
    child.on("close", (status) => {
      clearTimeout(timer);
      const ms = Number((exitedAt || process.hrtime.bigint()) - started) / 1e6;
      let peakMB: number | undefined;
      if (rssFile && existsSync(rssFile)) {
        peakMB = Number(readFileSync(rssFile, "utf8")) / 1024;
        rmSync(rssFile, { force: true });
      }
      resolve({ ms, status, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8"), peakMB });
    });
  });
}

/** Parses the single JSON document a child printed, or throws with its output. */
export function jsonOf<T>(run: ProcessRun, what: string): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`${what}: no JSON on stdout (exit ${run.status})\nstdout: ${run.stdout.slice(0, 2000)}\nstderr: ${run.stderr.slice(0, 2000)}`);
  }
}
