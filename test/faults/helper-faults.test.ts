// The built helper against misbehaving HQueue servers on loopback (test/support/faulty-server.ts).
// For each fault: the exit status, the --json error code, a message that names the server and says what happened,
// a hint, a run time bounded by the configured --timeout (generous bound: never a speed assertion), and that a
// `newjob` was never sent twice: a newjob whose answer is lost is `submit_unconfirmed`, and is not re-sent.
import { describe, expect, it, type TestContext } from "vitest";
import type { ErrorCode, Failure, HelperResponse, StatusResult, SubmitRequest, SubmitResult } from "../../types/request";
import { closedPort, type FaultyServer, type FaultyServerOptions, type Misbehaviour, startFaultyServer, startRawTcpServer } from "../support/faulty-server";
import { DEFAULT_TIMEOUT_MS } from "../../src-node/hqueue/client";
import { makeRequest } from "../support/requests";
import { type HelperRun, runHelper, writeRequest } from "../support/run-helper";

/** The --timeout every fault case runs with, in seconds. */
const TIMEOUT_S = 1;
/**
 * A run may take the timeout (per call) plus start-up and slack (node starts slowly on a loaded machine); anything
 * beyond this is a hang. It stays below the helper's default timeout, so a run that ignored --timeout still fails.
 */
const BOUND_MS = DEFAULT_TIMEOUT_MS - 1000;

/** Closes the server when the test that started it finishes (the test's own hook: tests run concurrently). */
function closeAfterTest<T extends { close(): Promise<void> }>(ctx: TestContext, server: T): T {
  ctx.onTestFinished(() => server.close());
  return server;
}

async function faulty(ctx: TestContext, options: FaultyServerOptions): Promise<FaultyServer> {
  return closeAfterTest(ctx, await startFaultyServer(options));
}

function failureOf(run: HelperRun): Failure["error"] {
  expect(run.json, `stdout was not one JSON document:\n${run.stdout}\n${run.stderr}`).toBeDefined();
  const doc = run.json as HelperResponse;
  expect(doc.ok, `expected a failure, got ${run.stdout}`).toBe(false);
  return (doc as Failure).error;
}

/** What every failure must look like: the code, words naming the server, a hint, no stack trace, bounded time. */
function expectCleanFailure(run: HelperRun, code: ErrorCode, server: string): Failure["error"] {
  expect(run.status).toBe(1);
  const error = failureOf(run);
  expect(error.code).toBe(code);
  // A transport failure names the server it could not talk to; a fault carries the server's own words instead.
  if (code !== "fault") expect(error.message).toContain(server);
  expect(error.hint ?? "").not.toBe("");
  for (const text of [error.message, error.hint ?? "", run.stderr]) {
    expect(text).not.toMatch(/\n\s+at .+\(.*:\d+:\d+\)/); // no stack trace
    expect(text).not.toMatch(/\[object Object\]|undefined/);
  }
  expect(run.milliseconds).toBeLessThan(BOUND_MS);
  return error;
}

function request(server: string, over: Parameters<typeof makeRequest>[0] = {}): string {
  return writeRequest(makeRequest({ server, ...over }));
}

function submit(file: string): Promise<HelperRun> {
  return runHelper(["submit", "--request", file, "--timeout", String(TIMEOUT_S), "--json"], { timeoutMs: BOUND_MS + 10_000 });
}

function ping(server: string): Promise<HelperRun> {
  return runHelper(["ping", "--server", server, "--timeout", String(TIMEOUT_S), "--json"], { timeoutMs: BOUND_MS + 10_000 });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const HTML_500 = "<!DOCTYPE html><html><head><title>Server Error (500)</title></head><body><h1>Server Error (500)</h1></body></html>\n";
const OK_PREFIX = "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n";

/** Server-side misbehaviours that every method can show, with what a call that meets them must report. */
const transportFaults: { name: string; behaviour: Misbehaviour; code: ErrorCode; words: RegExp }[] = [
  { name: "accepts but never answers", behaviour: { kind: "silent" }, code: "timeout", words: /did not answer \w+ within 1 s/ },
  { name: "answers after the timeout", behaviour: { kind: "late", delayMs: TIMEOUT_S * 1000 + 1500 }, code: "timeout", words: /did not answer \w+ within 1 s/ },
  { name: "HTTP 500 with an HTML page", behaviour: { kind: "http", status: 500, contentType: "text/html", body: HTML_500 }, code: "http", words: /HTTP 500/ },
  { name: "HTTP 404", behaviour: { kind: "http", status: 404, contentType: "text/html", body: "<h1>Not Found</h1>" }, code: "http", words: /HTTP 404/ },
  { name: "HTTP 502 with an empty body", behaviour: { kind: "http", status: 502, contentType: "text/plain", body: "" }, code: "http", words: /HTTP 502/ },
  { name: "an empty body", behaviour: { kind: "body", body: "" }, code: "malformed_response", words: /answered \w+ with something that is not XML-RPC/ },
  { name: "truncated XML", behaviour: { kind: "body", body: `${OK_PREFIX}<value><boolean>1</bool` }, code: "malformed_response", words: /answered \w+ with something that is not XML-RPC/ },
  { name: "XML that is not XML-RPC", behaviour: { kind: "body", body: "<?xml version='1.0'?><html><body>hello</body></html>" }, code: "malformed_response", words: /answered \w+ with something that is not XML-RPC/ },
  { name: "invalid XML", behaviour: { kind: "body", body: "<methodResponse><params><param><value><<<</methodResponse>" }, code: "malformed_response", words: /answered \w+ with something that is not XML-RPC/ },
  { name: "an HTML page with status 200", behaviour: { kind: "body", body: HTML_500 }, code: "malformed_response", words: /answered \w+ with something that is not XML-RPC/ },
  { name: "closes the connection mid-response", behaviour: { kind: "cut", bytes: 40 }, code: "unreachable", words: /Cannot (reach|talk to) the HQueue server/ },
  { name: "resets the connection without answering", behaviour: { kind: "reset" }, code: "unreachable", words: /Cannot (reach|talk to) the HQueue server/ },
];

describe.concurrent("ping against a misbehaving server", () => {
  it("connection refused: unreachable, says so", async (ctx) => {
    const port = await closedPort();
    const server = `127.0.0.1:${port}`;
    const run = await ping(server);
    const error = expectCleanFailure(run, "unreachable", server);
    expect(error.message).toMatch(/connection refused/);
  });

  for (const fault of transportFaults) {
    it(`${fault.name}: ${fault.code}`, async (ctx) => {
      const server = await faulty(ctx, { methods: { ping: fault.behaviour } });
      const run = await ping(server.url);
      const error = expectCleanFailure(run, fault.code, server.url);
      expect(error.message).toMatch(fault.words);
      expect(server.count("ping")).toBe(1); // no retries behind the user's back
    });
  }

  it("a fault from ping: fault, with the server's words", async (ctx) => {
    const server = await faulty(ctx, { methods: { ping: { kind: "fault", faultString: "<class 'OperationalError'>:database is locked" } } });
    const run = await ping(server.url);
    const error = expectCleanFailure(run, "fault", server.url);
    expect(error.message).toContain("database is locked");
  });

  it("a TCP server that is not HTTP (an SSH greeting): a clear error, not a crash", async (ctx) => {
    const raw = closeAfterTest(ctx, await startRawTcpServer("SSH-2.0-OpenSSH_9.6\r\n"));
    const run = await ping(raw.url);
    expect(run.status).toBe(1);
    const error = failureOf(run);
    expect(["malformed_response", "unreachable"]).toContain(error.code);
    expect(error.message).toContain(raw.url);
    expect(run.milliseconds).toBeLessThan(BOUND_MS);
  });

  it("a TCP server that accepts and says nothing: timeout", async (ctx) => {
    const raw = closeAfterTest(ctx, await startRawTcpServer("", true));
    const run = await ping(raw.url);
    expectCleanFailure(run, "timeout", raw.url);
  });
});

describe.concurrent("submit against a misbehaving server: nothing hangs, nothing is sent twice", () => {
  it("connection refused: unreachable, nothing was submitted", async (ctx) => {
    const port = await closedPort();
    const server = `127.0.0.1:${port}`;
    const run = await submit(request(server));
    const error = expectCleanFailure(run, "unreachable", server);
    expect(error.message).toContain("Nothing was submitted");
  });

  // The check before newjob is a ping: every fault is covered above; these show that submit stops there.
  const beforeNewjob = transportFaults.filter((f) => ["accepts but never answers", "HTTP 500 with an HTML page", "an empty body", "closes the connection mid-response"].includes(f.name));
  for (const fault of beforeNewjob) {
    it(`the check before submitting meets ${fault.name}: ${fault.code}, no newjob`, async (ctx) => {
      const server = await faulty(ctx, { methods: { ping: fault.behaviour } });
      const run = await submit(request(server.url));
      const error = expectCleanFailure(run, fault.code, server.url);
      expect(error.message).toContain("Nothing was submitted");
      await sleep(fault.behaviour.kind === "late" ? fault.behaviour.delayMs - run.milliseconds + 300 : 0);
      expect(server.count("newjob")).toBe(0);
    });
  }

  // newjob was sent: whether the server created the job is unknown unless the server answered.
  const lostAnswers = transportFaults.filter((f) => f.code !== "http" || f.name.includes("500") || f.name.includes("502"));
  for (const fault of lostAnswers) {
    it(`newjob meets ${fault.name}: submit_unconfirmed, sent exactly once`, async (ctx) => {
      const server = await faulty(ctx, { methods: { newjob: fault.behaviour } });
      const run = await submit(request(server.url));
      const error = expectCleanFailure(run, "submit_unconfirmed", server.url);
      expect(error.message).toMatch(/may or may not have been created/);
      expect(error.hint).toMatch(/before submitting again/);
      // Wait past a late answer: a retry would show up as a second newjob.
      await sleep(fault.behaviour.kind === "late" ? Math.max(0, fault.behaviour.delayMs - run.milliseconds) + 500 : 300);
      expect(server.count("newjob")).toBe(1);
    });
  }

  it("newjob answered HTTP 404 (the address is not HQueue's XML-RPC): http, sent once", async (ctx) => {
    const server = await faulty(ctx, { methods: { newjob: { kind: "http", status: 404, contentType: "text/html", body: "<h1>Not Found</h1>" } } });
    const run = await submit(request(server.url));
    const error = expectCleanFailure(run, "http", server.url);
    expect(error.message).toMatch(/HTTP 404/);
    expect(server.count("newjob")).toBe(1);
  });

  it("a fault from newjob: fault with the server's text, sent once", async (ctx) => {
    const server = await faulty(ctx, { methods: { newjob: { kind: "fault", faultString: "<class 'ValueError'>:priority out of range" } } });
    const run = await submit(request(server.url));
    const error = expectCleanFailure(run, "fault", server.url);
    expect(error.message).toContain("priority out of range");
    expect(server.count("newjob")).toBe(1);
  });

  it("newjob answers something that is not a list of job ids: submit_unconfirmed, sent once", async (ctx) => {
    const server = await faulty(ctx, { methods: { newjob: { kind: "body", body: `${OK_PREFIX}<value><string>ok</string></value>\n</param>\n</params>\n</methodResponse>\n` } } });
    const run = await submit(request(server.url));
    expectCleanFailure(run, "submit_unconfirmed", server.url);
    expect(server.count("newjob")).toBe(1);
  });

  it("the connection is cut after a valid but unfinished answer to newjob: submit_unconfirmed, sent once", async (ctx) => {
    const answer = `${OK_PREFIX}<value><array><data>\n<value><int>77</int></value>\n</data></array></value>\n</param>\n</params>\n</methodResponse>\n`;
    const server = await faulty(ctx, { methods: { newjob: { kind: "cut", bytes: answer.indexOf("</data>"), answer } } });
    const run = await submit(request(server.url));
    expectCleanFailure(run, "submit_unconfirmed", server.url);
    expect(server.count("newjob")).toBe(1);
  });
});

describe.concurrent("an older server faults on the optional calls: the submission still succeeds", () => {
  const OPTIONAL = [
    "getVersion", "getNetworkFolders", "getHQRoot",
    "getAllJobStatusNames", "getRunningJobStatusNames", "getFailedJobStatusNames", "getSucceededStatusNames", "getPausedJobStatusNames",
    "getStartedJobEventNames", "getResumedEventNames", "getRescheduledEventNames", "getPriorityChangedEventNames",
  ];

  async function expectSubmitted(server: FaultyServer, over: Parameters<typeof makeRequest>[0]): Promise<SubmitResult> {
    const run = await submit(request(server.url, over));
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const result = run.json as SubmitResult;
    expect(result).toMatchObject({ ok: true, command: "submit", jobId: 4242 });
    expect(server.count("newjob")).toBe(1);
    return result;
  }

  it("with e-mail reasons, when no status or event names can be read", async (ctx) => {
    const server = await faulty(ctx, { missing: OPTIONAL });
    await expectSubmitted(server, { job: { emailTo: "comp@studio.example", emailReasons: ["failed", "succeeded"] } });
  });

  it("with shared roots given, when getNetworkFolders and getHQRoot are missing", async (ctx) => {
    const server = await faulty(ctx, { missing: OPTIONAL });
    await expectSubmitted(server, {
      farm: { platforms: ["linux", "windows"], sharedRoots: [{ linux: "/mnt/hq", windows: "\\\\srv\\hq" }] },
    });
  });

  it("paused, when pauseJobs faults: submitted with a warning, paused false", async (ctx) => {
    const server = await faulty(ctx, { missing: OPTIONAL, methods: { pauseJobs: { kind: "fault", faultString: "<class 'Exception'>:no" } } });
    const result = await expectSubmitted(server, { job: { paused: true } });
    expect(result.paused).toBe(false);
    expect(result.warnings.join("\n")).toMatch(/could not be paused/);
  });

  it("roots needed but the server cannot tell: a clear path_unmapped before newjob", async (ctx) => {
    const server = await faulty(ctx, { missing: OPTIONAL });
    const run = await submit(request(server.url, { farm: { platforms: ["linux", "windows"], sharedRoots: [] } }));
    expect(run.status).toBe(1);
    expect(failureOf(run).code).toBe("path_unmapped");
    expect(server.count("newjob")).toBe(0);
  });

  it("status and watch work without the status-name methods", async (ctx) => {
    const server = await faulty(ctx, {
      missing: OPTIONAL,
      methods: {
        getJobs: {
          kind: "body",
          body: `${OK_PREFIX}<value><array><data>\n<value><struct><member><name>id</name><value><int>4243</int></value></member><member><name>name</name><value><string>Frames 1-5</string></value></member><member><name>status</name><value><string>succeeded</string></value></member><member><name>progress</name><value><double>1.0</double></value></member></struct></value>\n</data></array></value>\n</param>\n</params>\n</methodResponse>\n`,
        },
        getJob: {
          kind: "body",
          body: `${OK_PREFIX}<value><struct><member><name>id</name><value><int>4242</int></value></member><member><name>name</name><value><string>job</string></value></member><member><name>status</name><value><string>succeeded</string></value></member><member><name>progress</name><value><double>1.0</double></value></member><member><name>children</name><value><array><data><value><int>4243</int></value></data></array></value></member></struct></value>\n</param>\n</params>\n</methodResponse>\n`,
        },
      },
    });
    const status = await runHelper(["status", "4242", "--server", server.url, "--timeout", "1", "--json"]);
    expect(status.status, status.stdout).toBe(0);
    expect(status.json as StatusResult).toMatchObject({ ok: true, finished: true, succeeded: true, counts: { succeeded: 1 } });
    const watch = await runHelper(["watch", "4242", "--server", server.url, "--timeout", "1", "--interval", "0.1", "--json"]);
    expect(watch.status, watch.stdout).toBe(0);
  });
});

describe.concurrent("status and watch against a misbehaving server", () => {
  it("status: getJobs never answers → timeout within the bound", async (ctx) => {
    const server = await faulty(ctx, { methods: { getJobs: { kind: "silent" } } });
    const run = await runHelper(["status", "4242", "--server", server.url, "--timeout", String(TIMEOUT_S), "--json"], { timeoutMs: BOUND_MS + 10_000 });
    expectCleanFailure(run, "timeout", server.url);
  });

  it("status: getJob answers HTTP 500 → http", async (ctx) => {
    const server = await faulty(ctx, { methods: { getJob: { kind: "http", status: 500, contentType: "text/html", body: HTML_500 } } });
    const run = await runHelper(["status", "4242", "--server", server.url, "--timeout", String(TIMEOUT_S), "--json"]);
    expectCleanFailure(run, "http", server.url);
  });

  it("watch: the server goes silent while the job runs → timeout once its patience runs out", async (ctx) => {
    const server = await faulty(ctx, { methods: { getJob: [{ kind: "answer" }, { kind: "answer" }, { kind: "silent" }] } });
    const run = await runHelper(
      ["watch", "4242", "--server", server.url, "--timeout", String(TIMEOUT_S), "--interval", "0.1", "--patience", "1", "--json"],
      { timeoutMs: BOUND_MS + 10_000 },
    );
    const error = expectCleanFailure(run, "timeout", server.url);
    expect(error.message).toContain("Lost contact with the server");
    expect(error.message).toContain("the job itself may still be running");
    expect(server.count("getJob")).toBeGreaterThanOrEqual(3);
  });

  it("watch: one dropped poll is not a failed job — it retries and reports the job's real outcome", async (ctx) => {
    const finished =
      "<?xml version='1.0'?><methodResponse><params><param><value><struct>" +
      "<member><name>id</name><value><int>4242</int></value></member>" +
      "<member><name>name</name><value><string>faulty job</string></value></member>" +
      "<member><name>status</name><value><string>succeeded</string></value></member>" +
      "<member><name>progress</name><value><double>1.0</double></value></member>" +
      "<member><name>children</name><value><array><data></data></array></value></member>" +
      "</struct></value></param></params></methodResponse>";
    const server = await faulty(ctx, { methods: { getJob: [{ kind: "answer" }, { kind: "silent" }, { kind: "body", body: finished }] } });
    const run = await runHelper(["watch", "4242", "--server", server.url, "--timeout", String(TIMEOUT_S), "--interval", "0.1", "--json"], {
      timeoutMs: BOUND_MS + 10_000,
    });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.json).toMatchObject({ ok: true, command: "status", succeeded: true });
    expect(run.stderr).toContain("retrying");
  });
});

// Keep the request builder honest about what the helper receives (a typo in a field would hide a fault).
describe("the fault requests are valid", () => {
  it("plan accepts the request the fault cases submit", async (ctx) => {
    const doc: SubmitRequest = makeRequest({ server: "127.0.0.1:9" });
    const run = await runHelper(["plan", "--request", writeRequest(doc), "--json"]);
    expect(run.status).toBe(0);
  });
});

describe("the reader of the helper's output goes away", () => {
  // `hqueue-helper plan … --json | head -c 100`: the pipe closes while the helper is still writing.
  // An unhandled EPIPE 'error' event on process.stdout used to print a Node stack trace (fixed in src-node/cli.ts).
  it("exits without a stack trace when stdout is closed early", async () => {
    const { spawn } = await import("node:child_process");
    const { helperPath } = await import("../support/run-helper");
    const request = writeRequest(makeRequest({ job: { frames: { kind: "custom", set: "1-20000" }, framesPerTask: 1 } }));
    const child = spawn(process.execPath, [helperPath(), "plan", "--request", request, "--json"], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
    child.stdout.destroy(); // like `head` exiting after the first bytes
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(stderr).not.toMatch(/Unhandled 'error' event|\n\s+at .+:\d+:\d+/);
    expect(code).not.toBeNull();
  });
});

// The shared-roots lookup (getNetworkFolders, then getHQRoot) when clients of another OS take part and the request
// names no root. A server that fails there is reported as what it is (with its hint), never as path_unmapped ("the
// comp is not under any shared root"), which would send the artist to fix roots that are fine.
describe.concurrent("the shared-roots lookup meets a misbehaving server", () => {
  const mixed = { farm: { platforms: ["linux", "windows"] as ("linux" | "windows")[], sharedRoots: [] } };
  const NOT_A_LIST = `${OK_PREFIX}<value><string>/mnt/hq</string></value>\n</param>\n</params>\n</methodResponse>\n`;
  const cases: { name: string; methods: FaultyServerOptions["methods"]; code: ErrorCode }[] = [
    { name: "getNetworkFolders never answers", methods: { getNetworkFolders: { kind: "silent" } }, code: "timeout" },
    { name: "getNetworkFolders resets the connection", methods: { getNetworkFolders: { kind: "reset" } }, code: "unreachable" },
    { name: "getNetworkFolders answers HTTP 500", methods: { getNetworkFolders: { kind: "http", status: 500, contentType: "text/html", body: HTML_500 } }, code: "http" },
    { name: "getNetworkFolders answers broken XML", methods: { getNetworkFolders: { kind: "body", body: `${OK_PREFIX}<value><array><da` } }, code: "malformed_response" },
    { name: "getNetworkFolders answers a string, not a list", methods: { getNetworkFolders: { kind: "body", body: NOT_A_LIST } }, code: "malformed_response" },
    { name: "getHQRoot never answers", methods: { getHQRoot: { kind: "silent" } }, code: "timeout" },
    { name: "getHQRoot is cut mid-answer", methods: { getHQRoot: { kind: "cut", bytes: 30 } }, code: "unreachable" },
  ];
  for (const c of cases) {
    it(`submit: ${c.name} → ${c.code}, nothing submitted`, async (ctx) => {
      const server = await faulty(ctx, { methods: { ...c.methods, getNetworkFolders: c.methods?.getNetworkFolders ?? { kind: "answer" } } });
      const run = await submit(request(server.url, mixed));
      const error = expectCleanFailure(run, c.code, server.url);
      expect(error.message).toMatch(/shared roots/);
      expect(error.message).toContain("Nothing was submitted");
      expect(server.count("newjob")).toBe(0);
    });
  }

  it("plan --server-roots: getNetworkFolders never answers → timeout, not path_unmapped", async (ctx) => {
    const server = await faulty(ctx, { methods: { getNetworkFolders: { kind: "silent" } } });
    const run = await runHelper(["plan", "--request", request(server.url, mixed), "--server-roots", "--timeout", String(TIMEOUT_S), "--json"], {
      timeoutMs: BOUND_MS + 10_000,
    });
    const error = expectCleanFailure(run, "timeout", server.url);
    expect(error.hint).toMatch(/raise the timeout/);
  });

  it("a server that answers and has no usable root: path_unmapped, as before", async (ctx) => {
    const empty = `${OK_PREFIX}<value><string></string></value>\n</param>\n</params>\n</methodResponse>\n`;
    const server = await faulty(ctx, { methods: { getNetworkFolders: { kind: "answer" }, getHQRoot: { kind: "body", body: empty } } });
    const run = await submit(request(server.url, mixed));
    expect(run.status).toBe(1);
    expect(failureOf(run).code).toBe("path_unmapped");
    expect(server.count("newjob")).toBe(0);
  });

  it("a server whose roots come from getHQRoot: the job is submitted", async (ctx) => {
    const server = await faulty(ctx, {});
    const run = await submit(request(server.url, mixed));
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(server.count("newjob")).toBe(1);
  });
});
