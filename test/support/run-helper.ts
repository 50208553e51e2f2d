// Runs the BUILT helper (dist/build/hqueue-helper.js) the way the comp script and pipeline tools do:
// plain `node` on a copy in a folder with no node_modules, so a missing bundle dependency fails here.
// Asynchronous on purpose: the HQueue stand-in usually runs in the test's own process.
import { spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { HelperResponse } from "../../types/request";

export const repoRoot = resolve(__dirname, "../..");
let isolatedHelper: string | undefined;

/** Path of a copy of the built helper in a temp folder without node_modules. */
export function helperPath(): string {
  if (!isolatedHelper) {
    const dir = mkdtempSync(join(tmpdir(), "hq-helper-"));
    isolatedHelper = join(dir, "hqueue-helper.js");
    copyFileSync(join(repoRoot, "dist/build/hqueue-helper.js"), isolatedHelper);
  }
  return isolatedHelper;
}

let indexFile: string | undefined;
/** The job index file the helpers of this test process share. */
export function testIndexFile(): string {
  indexFile ??= join(mkdtempSync(join(tmpdir(), "hq-index-")), "jobs.jsonl");
  return indexFile;
}

export interface HelperRun {
  status: number | null;
  stdout: string;
  stderr: string;
  /** The parsed stdout when it is one JSON document, else undefined. */
  json?: HelperResponse;
  milliseconds: number;
}

/** `node`: the node program to run it with (default: the node running the tests). */
export function runHelper(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number; node?: string; nodeArgs?: string[] } = {},
): Promise<HelperRun> {
  const started = Date.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(options.node ?? process.execPath, [...(options.nodeArgs ?? []), helperPath(), ...args], {
      // The job index (verify/resubmit by job id) goes to a temp file, never the tester's home.
      env: { ...process.env, HQUEUE_SERVER: "", KARTALINK_HQUEUE_INDEX: testIndexFile(), ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`helper ${args.join(" ")} did not finish within ${options.timeoutMs ?? 20000} ms\n${stderr}`));
    }, options.timeoutMs ?? 20000);
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(timer);
      let json: HelperResponse | undefined;
      try {
        json = JSON.parse(stdout) as HelperResponse;
      } catch {
        json = undefined;
      }
      resolvePromise({ status, stdout, stderr, json, milliseconds: Date.now() - started });
    });
    child.stdin.end(options.input ?? "");
  });
}

/** Writes a request document to a temp file and returns its path. */
export function writeRequest(doc: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), "hq-request-"));
  const file = join(dir, "request.json");
  writeFileSync(file, JSON.stringify(doc));
  return file;
}
