// The background-run contract on the helper's side (README, "Background runs"): with --response-file R the helper
// writes R.phase with `started <pid>` before anything else; `submit` appends `sending` (on disk, fsynced) before a
// byte of newjob can leave and `answered <id>` when the answer came; R is written whole (R.tmp, then renamed).
// The helper is SIGKILLed just before and just after newjob against a server that holds the call open: the phase
// file must say whether the job may exist, and the server's own count of newjob says whether it does.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, type TestContext } from "vitest";
import { type FaultyServer, type FaultyServerOptions, startFaultyServer } from "../support/faulty-server";
import { makeRequest } from "../support/requests";
import { startHQueueStandin } from "../support/hqueue-standin";
import { helperPath, writeRequest } from "../support/run-helper";

let work: string;
let counter = 0;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "hq-phase-"));
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

async function faulty(ctx: TestContext, options: FaultyServerOptions): Promise<FaultyServer> {
  const server = await startFaultyServer(options);
  ctx.onTestFinished(() => server.close());
  return server;
}

/** A fresh response-file path in its own folder (so the test can list what the helper left there). */
function responsePath(): string {
  const dir = join(work, `run-${++counter}`);
  mkdirSync(dir);
  return join(dir, "answer.json");
}

interface Started {
  child: ChildProcess;
  exited: Promise<number | null>;
  stdout: () => string;
}

function start(args: readonly string[]): Started {
  const child = spawn(process.execPath, [helperPath(), ...args], { env: { ...process.env, HQUEUE_SERVER: "" }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  child.stdout?.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr?.resume();
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return { child, exited, stdout: () => stdout };
}

async function until(what: string, condition: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function phaseLines(response: string): string[] {
  return readFileSync(`${response}.phase`, "utf8").split("\n").filter((l) => l !== "");
}

function submitArgs(server: string, response: string, timeout = 30): string[] {
  return ["submit", "--request", writeRequest(makeRequest({ server })), "--timeout", String(timeout), "--json", "--response-file", response];
}

describe.concurrent("the phase file", () => {
  it("a submit that succeeds: started <pid>, sending, answered <id>; the response file is whole and alone", async (ctx) => {
    const server = await faulty(ctx, { jobId: 777 });
    const response = responsePath();
    const run = start(submitArgs(server.url, response));
    expect(await run.exited).toBe(0);
    expect(phaseLines(response)).toEqual([`started ${run.child.pid}`, "sending", "answered 777"]);
    expect(JSON.parse(readFileSync(response, "utf8"))).toMatchObject({ ok: true, jobId: 777 });
    expect(readFileSync(response, "utf8")).toBe(run.stdout());
    expect(readdirSync(join(response, "..")).sort()).toEqual(["answer.json", "answer.json.phase"]);
  });

  it("killed just before newjob (the server holds the check before it): no `sending`, no newjob, no answer", async (ctx) => {
    const server = await faulty(ctx, { methods: { ping: { kind: "late", delayMs: 60_000 } } });
    const response = responsePath();
    const run = start(submitArgs(server.url, response));
    await until("the server holds ping", () => server.count("ping") === 1);
    run.child.kill("SIGKILL");
    await run.exited;
    expect(phaseLines(response)).toEqual([`started ${run.child.pid}`]);
    expect(existsSync(response)).toBe(false);
    expect(server.count("newjob")).toBe(0);
  });

  it("killed just after newjob reached the server (held open): `sending` is on disk, no answer, newjob received once", async (ctx) => {
    const server = await faulty(ctx, { methods: { newjob: { kind: "silent" } } });
    const response = responsePath();
    const run = start(submitArgs(server.url, response));
    await until("the server holds newjob", () => server.count("newjob") === 1);
    // Already on disk when the server has the call (it was written before the connection was opened).
    expect(phaseLines(response)).toEqual([`started ${run.child.pid}`, "sending"]);
    run.child.kill("SIGKILL");
    await run.exited;
    const lines = phaseLines(response);
    expect(lines).toContain("sending");
    expect(lines.some((l) => l.startsWith("answered"))).toBe(false);
    expect(existsSync(response)).toBe(false);
    expect(server.count("newjob")).toBe(1);
  });

  it("when `sending` cannot be recorded, nothing is sent and the answer says so", async (ctx) => {
    const server = await faulty(ctx, { methods: { ping: { kind: "late", delayMs: 1500 } } });
    const response = responsePath();
    const run = start(submitArgs(server.url, response));
    await until("the server holds ping", () => server.count("ping") === 1);
    // Replace the phase file by a folder: appending to it fails even for root.
    rmSync(`${response}.phase`);
    mkdirSync(`${response}.phase`);
    expect(await run.exited).toBe(1);
    const answer = JSON.parse(readFileSync(response, "utf8"));
    expect(answer).toMatchObject({ ok: false });
    expect(answer.error.message).toContain("Nothing was submitted");
    expect(server.count("newjob")).toBe(0);
  });

  // Every command, and a command line that is wrong: `started` first, and a whole response file at the end.
  const finished =
    "<?xml version='1.0'?><methodResponse><params><param><value><struct>" +
    "<member><name>id</name><value><int>4242</int></value></member><member><name>name</name><value><string>job</string></value></member>" +
    "<member><name>status</name><value><string>succeeded</string></value></member><member><name>progress</name><value><double>1.0</double></value></member>" +
    "<member><name>children</name><value><array><data></data></array></value></member></struct></value></param></params></methodResponse>";
  const commands: { name: string; args: (server: string) => string[]; status: number; server?: FaultyServerOptions }[] = [
    { name: "ping", args: (s) => ["ping", "--server", s], status: 0 },
    { name: "clients", args: (s) => ["clients", "--server", s], status: 0 },
    { name: "groups", args: (s) => ["groups", "--server", s], status: 0 },
    { name: "plan", args: () => ["plan", "--request", writeRequest(makeRequest())], status: 0 },
    { name: "status", args: (s) => ["status", "4242", "--server", s], status: 0 },
    { name: "watch", args: (s) => ["watch", "4242", "--server", s, "--interval", "0.1"], status: 0, server: { methods: { getJob: { kind: "body", body: finished } } } },
    { name: "log", args: (s) => ["log", "4242", "--server", s], status: 0 },
    { name: "cancel", args: (s) => ["cancel", "4242", "--server", s], status: 0 },
    { name: "jobs", args: (s) => ["jobs", "--server", s], status: 1 },
    { name: "pause", args: (s) => ["pause", "4242", "--server", s], status: 0 },
    { name: "resume", args: (s) => ["resume", "4242", "--server", s], status: 0 },
    { name: "retry", args: (s) => ["retry", "4242", "--server", s], status: 0 },
    { name: "priority", args: (s) => ["priority", "4242", "7", "--server", s], status: 1 },
    { name: "plan --help", args: () => ["plan", "--help"], status: 0 },
    { name: "an unknown command", args: () => ["frobnicate"], status: 2 },
    { name: "an unknown option", args: () => ["ping", "--no-such-option"], status: 2 },
  ];
  for (const c of commands) {
    it(`${c.name}: started <pid> first, the response file whole`, async (ctx) => {
      const server = await faulty(ctx, c.server ?? {});
      const response = responsePath();
      const run = start([...c.args(server.url), "--timeout", "2", "--json", "--response-file", response]);
      expect(await run.exited).toBe(c.status);
      expect(phaseLines(response)[0]).toBe(`started ${run.child.pid}`);
      expect(phaseLines(response)).not.toContain("sending");
      expect(readFileSync(response, "utf8")).toBe(run.stdout());
      JSON.parse(readFileSync(response, "utf8"));
      expect(existsSync(`${response}.tmp`)).toBe(false);
    });
  }

  it("retry, when it submits a new job (no rescheduleJobs): started, sending, answered <the new job's id>", async (ctx) => {
    const farm = await startHQueueStandin({ port: 0, runJobs: false, without: ["rescheduleJobs"], specAttribs: true });
    ctx.onTestFinished(() => farm.close());
    const run0 = start(submitArgs(farm.url, responsePath()));
    expect(await run0.exited).toBe(0);
    const id = (JSON.parse(run0.stdout()) as { jobId: number }).jobId;
    const task = farm.jobs.get(farm.jobs.get(id)!.childIds[0])!;
    task.status = "failed";
    const response = responsePath();
    const run = start(["retry", String(id), "--server", farm.url, "--json", "--response-file", response]);
    expect(await run.exited).toBe(0);
    const answer = JSON.parse(readFileSync(response, "utf8"));
    expect(answer).toMatchObject({ ok: true, method: "resubmitted" });
    expect(phaseLines(response)).toEqual([`started ${run.child.pid}`, "sending", `answered ${answer.newJobId}`]);
  });

  it("a Node.js too old for the helper: the phase file, then the whole answer (atomically)", async () => {
    const preload = join(work, "old-node.cjs");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(preload, 'Object.defineProperty(process, "version", { value: "v16.20.2" });\n');
    const response = responsePath();
    const child = spawn(process.execPath, ["-r", preload, helperPath(), "ping", "--json", "--response-file", response], { stdio: "ignore" });
    const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
    expect(code).toBe(1);
    expect(phaseLines(response)).toEqual([`started ${child.pid}`]);
    expect(JSON.parse(readFileSync(response, "utf8")).error.message).toContain("too old");
    expect(readdirSync(join(response, "..")).sort()).toEqual(["answer.json", "answer.json.phase"]);
  });

  it("an old response file is removed BEFORE `started` is written (a caller that sees `started` never reads an old answer)", async () => {
    const { writeFileSync } = await import("node:fs");
    const { startResponseFiles } = await import("../../src-node/cli");
    const { Output } = await import("../../src-node/output");
    const { PhaseFile } = await import("../../src-node/phase-file");
    const response = responsePath();
    writeFileSync(response, '{"ok":true,"command":"ping"}\n');
    let oldAnswerSeenAtStart: boolean | undefined;
    const out = new Output(true, response, () => {}, () => {});
    Object.defineProperty(out, "phase", {
      value: new (class extends PhaseFile {
        start(pid?: number) {
          oldAnswerSeenAtStart = existsSync(response);
          super.start(pid);
        }
      })(`${response}.phase`),
    });
    startResponseFiles(out);
    expect(oldAnswerSeenAtStart).toBe(false);
    expect(existsSync(response)).toBe(false);
  });

  it("an old response file at the same path is gone before the new run answers", async (ctx) => {
    const server = await faulty(ctx, { methods: { ping: { kind: "late", delayMs: 60_000 } } });
    const response = responsePath();
    const { writeFileSync } = await import("node:fs");
    writeFileSync(response, '{"ok":true,"command":"ping"}\n');
    const run = start(["ping", "--server", server.url, "--timeout", "30", "--json", "--response-file", response]);
    await until("the server holds ping", () => server.count("ping") === 1);
    expect(existsSync(response)).toBe(false);
    run.child.kill("SIGKILL");
    await run.exited;
  });
});
