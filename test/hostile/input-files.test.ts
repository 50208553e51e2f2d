// What plan/submit read before anything else: the request (--request FILE, or - for stdin) and the .comp. Only
// regular files within the documented size limits are read; a FIFO, a device or a folder is refused at once (a
// FIFO used to hang past --timeout, /dev/zero to grow to 16 GB and abort with no JSON), with the same exit status
// and JSON error as the other usage errors. The limits themselves come from the helper (src-node/input-file.ts).
import { spawnSync } from "node:child_process";
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Failure, PlanResult } from "../../types/request";
import { COMP_FILE_LIMIT_BYTES, REQUEST_FILE_LIMIT_BYTES } from "../../src-node/input-file";
import { makeRequest } from "../support/requests";
import { type HelperRun, repoRoot, runHelper, writeRequest } from "../support/run-helper";

let work: string;
let fifo: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "hq-input-files-"));
  fifo = join(work, "request.fifo");
  const made = spawnSync("mkfifo", [fifo]);
  if (made.status !== 0) throw new Error(`mkfifo failed: ${made.stderr}`);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Nothing here may take long: a refusal is immediate (generous bound: a hang is tens of seconds). */
const BOUND_MS = 8000;

function refused(run: HelperRun, words: RegExp): Failure["error"] {
  expect(run.json, `${run.stdout}\n${run.stderr}`).toBeDefined();
  expect(run.json?.ok).toBe(false);
  const error = (run.json as Failure).error;
  expect(error.code).toBe("usage");
  expect(run.status).toBe(2);
  expect(error.message).toMatch(words);
  expect(error.hint ?? "").not.toBe("");
  expect(run.milliseconds).toBeLessThan(BOUND_MS);
  return error;
}

/** A sparse file of `bytes` (no disk space used): a size check must refuse it before reading it. */
function sparseFile(name: string, bytes: number): string {
  const file = join(work, name);
  const fd = openSync(file, "w");
  ftruncateSync(fd, bytes);
  closeSync(fd);
  return file;
}

describe.concurrent("plan and submit refuse what is not a regular file", () => {
  it("plan /dev/zero: refused at once as a device", async () => {
    const run = await runHelper(["plan", "/dev/zero", "--json"], { timeoutMs: 30_000 });
    refused(run, /\/dev\/zero.*not a regular file.*device/);
  });

  it("plan --request /dev/zero: refused at once as a device", async () => {
    const run = await runHelper(["plan", "--request", "/dev/zero", "--json"], { timeoutMs: 30_000 });
    refused(run, /\/dev\/zero.*not a regular file.*device/);
  });

  it("submit --request on a FIFO nobody writes to: refused at once, nothing sent", async () => {
    const run = await runHelper(["submit", "--request", fifo, "--server", "127.0.0.1:9", "--json"], { timeoutMs: 30_000 });
    refused(run, /not a regular file.*(FIFO|pipe)/);
  });

  it("plan of a .comp that is a FIFO: refused at once", async () => {
    const run = await runHelper(["plan", fifo, "--json"], { timeoutMs: 30_000 });
    refused(run, /not a regular file.*(FIFO|pipe)/);
  });

  it("plan of a folder, as the .comp or as --request: refused as a folder", async () => {
    refused(await runHelper(["plan", work, "--json"]), /is a folder/);
    refused(await runHelper(["plan", "--request", work, "--json"]), /is a folder/);
  });

  it("a .comp bigger than the limit: refused before it is read, naming the limit", async () => {
    const big = sparseFile("huge.comp", COMP_FILE_LIMIT_BYTES + 1);
    const run = await runHelper(["plan", big, "--json"]);
    refused(run, new RegExp(`larger than the limit of ${COMP_FILE_LIMIT_BYTES / 1024 / 1024} MB`));
  });

  it("a request file bigger than the limit: refused before it is read", async () => {
    const big = sparseFile("huge.json", REQUEST_FILE_LIMIT_BYTES + 1);
    const run = await runHelper(["plan", "--request", big, "--json"]);
    refused(run, new RegExp(`larger than the limit of ${REQUEST_FILE_LIMIT_BYTES / 1024 / 1024} MB`));
  });

  it("a request on stdin beyond the limit: reading stops and it is refused", async () => {
    // Valid JSON so far, padded with spaces: only the size can make it fail.
    const text = JSON.stringify(makeRequest()) + " ".repeat(REQUEST_FILE_LIMIT_BYTES);
    const run = await runHelper(["plan", "--request", "-", "--json"], { input: text, timeoutMs: 30_000 });
    refused(run, /standard input.*larger than the limit/);
  });

  it("a request on stdin within the limit, and a request file, are still read", async () => {
    const text = JSON.stringify(makeRequest());
    const fromStdin = await runHelper(["plan", "--request", "-", "--json"], { input: text });
    expect(fromStdin.status, fromStdin.stdout + fromStdin.stderr).toBe(0);
    const fromFile = await runHelper(["plan", "--request", writeRequest(makeRequest()), "--json"]);
    expect(fromFile.status, fromFile.stdout + fromFile.stderr).toBe(0);
    expect((fromFile.json as PlanResult).taskCount).toBe((fromStdin.json as PlanResult).taskCount);
  });

  it("a missing file is still a plain 'does not exist'", async () => {
    const run = await runHelper(["plan", join(work, "nope.comp"), "--json"]);
    expect(run.status).toBe(1);
    expect((run.json as Failure).error.message).toMatch(/does not exist/);
  });

  it("--help documents both limits", async () => {
    const run = await runHelper(["plan", "--help"]);
    expect(run.stdout).toContain(`${COMP_FILE_LIMIT_BYTES / 1024 / 1024} MB`);
    expect(run.stdout).toContain(`${REQUEST_FILE_LIMIT_BYTES / 1024 / 1024} MB`);
  });
});

describe("the README states the limits the helper enforces", () => {
  it("names both sizes", async () => {
    const { readFileSync } = await import("node:fs");
    const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
    expect(readme).toContain(`${COMP_FILE_LIMIT_BYTES / 1024 / 1024} MB`);
    expect(readme).toContain(`${REQUEST_FILE_LIMIT_BYTES / 1024 / 1024} MB`);
  });
});

describe("--env on the command line", () => {
  it("keeps a variable named __proto__, as the --request route does", async () => {
    const comp = join(work, "env.comp");
    writeFileSync(
      comp,
      'Composition {\n\tRenderRange = { 1, 10 },\n\tGlobalRange = { 1, 10 },\n\tTools = ordered() {\n' +
        '\t\tSaver1 = Saver { Inputs = { Clip = Input { Value = Clip { Filename = "/tmp/out.0000.exr" } } } }\n\t}\n}\n',
    );
    const run = await runHelper(["plan", comp, "--env", "__proto__=x", "--env", "OCIO=/mnt/ocio", "--json"]);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const env = (run.json as PlanResult).spec.children?.[0]?.environment ?? (run.json as PlanResult).spec.environment;
    expect(env).toBeDefined();
    expect(Object.keys(env as object)).toContain("__proto__");
    expect(Object.getOwnPropertyDescriptor(env, "__proto__")?.value).toBe("x");
    expect((env as Record<string, string>).OCIO).toBe("/mnt/ocio");
  });
});
