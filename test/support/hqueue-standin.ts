/**
 * An HQueue server stand-in: the XML-RPC API (POST on any path, `/RPC2` and `/` included), a tiny web UI
 * (`GET /`, `GET /jobs/view/<id>`) and a scheduler that runs jobs on fake clients. Built only from the documented
 * behaviour in ../shared/reference/hqueue.md; where the real server is undocumented the choice is stated here.
 *
 * Used by the tests and by the demo. As a program (bundled to dist/dev/hqueue-standin.js):
 *   node dist/dev/hqueue-standin.js [--port 5000] [--host 127.0.0.1]
 *                                   [--clients host:os[-arch][:group+group][:disabled|unavailable],…]
 *                                   [--legacy] [--no-run] [--slots N] [--first-job-id N] [--max-body BYTES] [--stay]
 * e.g. `--clients lin01:linux:Fusion,mac01:macos-arm64:Fusion,win01:windows:Fusion+Render:disabled`. It prints
 * `HQueue stand-in listening on http://127.0.0.1:PORT`, runs until SIGINT/SIGTERM, and also exits when its parent
 * process dies (so a crashed test leaves no server behind) unless given --stay.
 *
 * This file is the HTTP server, its web UI and the command line. The rest, layer on layer: hqueue-standin-model.ts
 * (options, jobs, clients), hqueue-standin-scheduler.ts (scheduling, conditions, running commands),
 * hqueue-standin-jobs.ts (newjob and job control), hqueue-standin-methods.ts (the XML-RPC methods and their answers).
 *
 * Behaviour (and the undocumented choices):
 * - Methods: ping, getVersion (19.5 only), newjob, getJob, getJobs, getJobIdsBySatus (sic, as documented) and
 *   getJobIdsByStatus (as public code calls it), getUnfinishedRootJobIds/getFinishedRootJobIds, getJobOutput (with
 *   max_last_chars), cancelJobs/pauseJobs/resumeJobs/deleteJobs (subtrees), rescheduleJobs (see reschedule()),
 *   reprioritizeJobs (subtree), the get*StatusNames, getClients, getClient, getClientsByHostname, getClientByHostname,
 *   getClientGroups, getHQRoot (legacy only), getNetworkFolders (19.5 only). Anything else is a fault exactly like
 *   Python's for an unregistered method: `<class 'Exception'>:method "x" is not supported`; so is every method named
 *   in the `without` option (a server lacking the optional calls).
 * - getNetworkFolders returns a list of `{name, linux, macosx, windows}` structs (the real shape is undocumented).
 * - Query attributes are exactly the documented ones (./hqueue-documented.ts, from SideFX's 12 Python API), with an
 *   `attribs` list only those keys; names that are not attributes are left out (the real server's answer to them is
 *   undocumented). Clients: `platform` in $HQCLIENTARCH style (`linux-x86_64`, `macos-arm64`, `windows-x86_64`),
 *   `groups` as group ids, `disabled`, `available` (false when disabled too), `runningJobs` (ids), `lastHeartbeat`
 *   (dateTime); values the documents leave open are plain placeholders (cpuSpeed 3000, memory 16 GB in KB, idleTime
 *   -1, availabilityRules [], threadId nil). Groups: `{id, name, clients: [client ids]}`, numbered in order of first
 *   appearance. Jobs: `status` is the documented internal status ("runnable" = waiting for a machine, "queued" =
 *   waiting for its children), `uiStatus` the stand-in's own status text, `progress` the job's own command progress
 *   (always 0.0 for a job without a command, as documented), `overallProgress` the job with its descendants,
 *   `parents` a list of ids, `clients` the hostname it ran on (the type is undocumented), ETA -1.
 * - Unknown job ids fault with Django's wording: `<class 'Job.DoesNotExist'>:Job matching query does not exist.`;
 *   unknown client ids or hostnames in getClient/getClientByHostname likewise with `Client.DoesNotExist` (undocumented).
 * - Scheduling: conditions are not inherited (as documented). A job with children waits for all of them, then fails if
 *   any did not succeed, runs its own command if it has one, or succeeds. A job without a command succeeds at once.
 *   Higher priority first, then lower id. `single`-tagged jobs take a whole client. `triesLeft` > 0 re-queues a failed
 *   job (decrementing it). Pausing a running job stops its process (SIGSTOP) until it is resumed (SIGCONT).
 * - Conditions: `{type:"client", name: group|hostname|os, op: "=="|"!="|"any", value}`; `any` takes a
 *   space-separated list; `group` compares group names. `os` compares with the prefix of the client's platform
 *   (HQCLIENTARCH) before "-": "linux", "macos" or "windows" (as hqlib sends it). The spec keys `host`/`hostgroup`
 *   (hqrop's shorthand) act as hostname-any / group-any conditions. Disabled or unavailable clients take no work.
 * - Running: linux and macos clients both run locally with `<shell or /bin/sh> -c <command>` (the `linux` or `macosx`
 *   entry of a per-platform command), env HQROOT, HQCLIENTARCH, JOBID, ROOTJOBID, HQSERVER, HQHOSTS plus the job's
 *   `environment`; stdout and stderr are merged into the job output; `ALF_PROGRESS n%` and `PROGRESS: i/n` lines set
 *   progress; exit 0 → succeeded. Windows clients cannot run anything here: with a `shell` they fail like the real
 *   Windows client (`[WinError 2] …` / `ERROR: Could not run command.`), without one they fail saying so; either way
 *   the Windows command is kept in `job.windowsCommand`.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { parseMethodCall, PythonFault, pythonException, serializeFault, serializeResponse } from "./hqueue-standin-xmlrpc";
import type { FakeClient, StandinJob, StandinOptions } from "./hqueue-standin-model";
import { StandinMethods } from "./hqueue-standin-methods";

export {
  type FakeClient,
  isFinished,
  type StandinCondition,
  type StandinJob,
  type StandinOptions,
  type StandinPlatform,
  type StandinStatus,
} from "./hqueue-standin-model";

export interface HQueueStandin {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  /** Every parsed call, in order. */
  calls: { method: string; params: unknown[] }[];
  /** Sizes of the request bodies refused as too large (HTTP 400), in order. */
  refusedBodies: number[];
  jobs: Map<number, StandinJob>;
  close(): Promise<void>;
  /** Resolves when the job has finished (succeeded, failed, cancelled, abandoned); rejects after timeoutMs. */
  waitForJob(id: number, timeoutMs: number): Promise<StandinJob>;
}

const MAX_BODY_BYTES = 32 * 1024 * 1024;

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

class Standin extends StandinMethods implements HQueueStandin {
  readonly calls: { method: string; params: unknown[] }[] = [];
  readonly refusedBodies: number[] = [];

  private readonly server: http.Server;

  constructor(options: StandinOptions) {
    super(options);
    this.server = http.createServer((request, response) => this.handleHttp(request, response));
  }

  async listen(): Promise<void> {
    const host = this.options.host ?? "127.0.0.1";
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.options.port ?? 0, host, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.url = `http://${host.includes(":") ? `[${host}]` : host}:${this.port}`;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.kickTimer);
    for (const [id] of this.runs) this.kill(id);
    for (const wake of [...this.waiters]) wake();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /* ---------------------------------------------------------------------------------------------
   * HTTP
   * ------------------------------------------------------------------------------------------ */

  private handleHttp(request: http.IncomingMessage, response: http.ServerResponse): void {
    if (request.method === "POST") {
      const chunks: Buffer[] = [];
      let size = 0;
      // Django (HQueue's server since 19.5) refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB by default) with
      // RequestDataTooBig, a SuspiciousOperation: HTTP 400 and its plain "Bad Request (400)" page. The body is read
      // to the end first, so the client always gets the answer rather than a reset.
      const limit = this.options.maxBodyBytes ?? MAX_BODY_BYTES;
      request.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size <= limit) chunks.push(chunk);
      });
      request.on("end", () => {
        if (size > limit) {
          this.refusedBodies.push(size);
          response.writeHead(400, { "Content-Type": "text/html" }).end("<h1>Bad Request (400)</h1>");
          return;
        }
        const xml = this.dispatchXml(Buffer.concat(chunks).toString("utf8"));
        response.writeHead(200, { "Content-Type": "text/xml", "Content-Length": Buffer.byteLength(xml) });
        response.end(xml);
      });
      return;
    }
    if (request.method === "GET" || request.method === "HEAD") {
      const path = (request.url ?? "/").split("?")[0];
      const jobPage = /^\/jobs\/view\/(\d+)\/?$/.exec(path);
      let status = 200;
      let html: string;
      if (path === "/" || path === "/jobs" || path === "/jobs/") {
        html = this.jobListPage();
      } else if (jobPage && this.jobs.has(Number(jobPage[1]))) {
        html = this.jobPage(this.jobs.get(Number(jobPage[1])) as StandinJob);
      } else {
        status = 404;
        html = page("Not found", `<p>No page at ${escapeHtml(path)}.</p>`);
      }
      response.writeHead(status, { "Content-Type": "text/html; charset=utf-8" });
      response.end(request.method === "HEAD" ? undefined : html);
      return;
    }
    response.writeHead(405, { "Content-Type": "text/plain", Allow: "GET, HEAD, POST" }).end("Method not allowed\n");
  }

  private jobListPage(): string {
    const rows = [...this.jobs.values()]
      .filter((job) => job.parentId === null)
      .sort((a, b) => b.id - a.id)
      .map((job) =>
        `<tr><td><a href="/jobs/view/${job.id}">${job.id}</a></td><td>${escapeHtml(job.name)}</td>` +
        `<td>${job.status}</td><td>${Math.round(job.progress * 100)}%</td></tr>`)
      .join("\n");
    return page("HQueue stand-in", `<table><tr><th>Id</th><th>Name</th><th>Status</th><th>Progress</th></tr>\n${rows}\n</table>`);
  }

  private jobPage(job: StandinJob): string {
    const children = job.childIds
      .map((id) => this.jobs.get(id))
      .filter((child): child is StandinJob => child !== undefined)
      .map((child) => `<li><a href="/jobs/view/${child.id}">${child.id}</a> ${escapeHtml(child.name)}: ${child.status}</li>`)
      .join("\n");
    return page(
      `Job ${job.id}: ${job.name}`,
      `<p>Status: ${job.status} (${Math.round(job.progress * 100)}%)</p>` +
        (job.clientHostname ? `<p>Client: ${escapeHtml(job.clientHostname)}</p>` : "") +
        (children ? `<ul>${children}</ul>` : "") +
        `<pre>${escapeHtml(job.output)}</pre>`,
    );
  }

  /** Python's `_marshaled_dispatch`: every exception, parsing included, becomes a fault. */
  private dispatchXml(body: string): string {
    try {
      const call = parseMethodCall(body);
      this.calls.push({ method: call.method, params: call.params });
      const maxCalls = this.options.maxCalls;
      if (maxCalls !== undefined && this.calls.length > maxCalls) this.calls.splice(0, this.calls.length - maxCalls);
      const result = this.dispatch(call.method, call.params);
      return serializeResponse(result);
    } catch (error) {
      if (error instanceof PythonFault) return serializeFault(error);
      const message = error instanceof Error ? error.message : String(error);
      return serializeFault(pythonException("Exception", message));
    }
  }
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>\n` +
    `<body><h1>${escapeHtml(title)}</h1>\n${body}\n</body></html>\n`;
}

export async function startHQueueStandin(options: StandinOptions = {}): Promise<HQueueStandin> {
  const standin = new Standin(options);
  await standin.listen();
  return standin;
}

/* ------------------------------------------------------------------------------------------------
 * Command line
 * --------------------------------------------------------------------------------------------- */

/** `host:os[-arch][:group+group][:disabled|unavailable]` items separated by commas. */
export function parseClientList(text: string): FakeClient[] {
  return text.split(",").filter((item) => item.trim() !== "").map((item) => {
    const [hostname, platform = "linux", groups = "", state = ""] = item.trim().split(":");
    const dash = platform.indexOf("-");
    const osName = dash < 0 ? platform : platform.slice(0, dash);
    if (osName !== "linux" && osName !== "macos" && osName !== "windows") {
      throw new Error(`--clients: unknown os "${osName}" in "${item}" (linux, macos or windows)`);
    }
    if (state !== "" && state !== "disabled" && state !== "unavailable") {
      throw new Error(`--clients: unknown state "${state}" in "${item}" (disabled or unavailable)`);
    }
    const client: FakeClient = { hostname, os: osName, groups: groups.split("+").filter((g) => g !== "") };
    if (dash >= 0) client.arch = platform.slice(dash + 1);
    if (state === "disabled") client.disabled = true;
    if (state === "unavailable") client.available = false;
    return client;
  });
}

export function parseStandinArgs(argv: readonly string[]): StandinOptions {
  const options: StandinOptions = { port: 5000, maxCalls: 1000 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    switch (arg) {
      case "--port": options.port = Number(value()); break;
      case "--host": options.host = value(); break;
      case "--clients": options.clients = parseClientList(value()); break;
      case "--legacy": options.serverVersion = "legacy"; break;
      case "--no-run": options.runJobs = false; break;
      case "--slots": options.slotsPerClient = Number(value()); break;
      case "--first-job-id": options.firstJobId = Number(value()); break;
      case "--max-body": options.maxBodyBytes = Number(value()); break;
      default: throw new Error(`unknown argument ${arg}`);
    }
  }
  return options;
}

async function main(): Promise<void> {
  let options: StandinOptions;
  const args = process.argv.slice(2);
  const stay = args.includes("--stay");
  try {
    options = parseStandinArgs(args.filter((arg) => arg !== "--stay"));
  } catch (error) {
    console.error(`hqueue-standin: ${error instanceof Error ? error.message : String(error)}`);
    console.error("usage: hqueue-standin [--port 5000] [--host 127.0.0.1] [--clients host:os[-arch][:group+group][:disabled|unavailable],…] [--legacy] [--no-run] [--slots N] [--first-job-id N] [--stay]");
    process.exit(2);
  }
  const standin = await startHQueueStandin(options);
  console.log(`HQueue stand-in listening on ${standin.url}`);
  const stop = (): void => {
    void standin.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  // A test or demo that dies without stopping us must not leave a server behind: exit once orphaned
  // (unless started with --stay).
  if (!stay) {
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent) stop();
    }, 1000).unref();
  }
}

/**
 * Run as a program only when this file is the entry point. In an esbuild CJS bundle every bundled file shares the
 * bundle's `module`, so `require.main === module` is also true when the demo bundles this file: the entry script's
 * name must be hqueue-standin too.
 */
function isEntryPoint(): boolean {
  if (typeof require === "undefined" || typeof module === "undefined" || require.main !== module) return false;
  return /^hqueue-standin(\.[cm]?[jt]s)?$/.test((process.argv[1] ?? "").split(/[\\/]/).pop() ?? "");
}

if (isEntryPoint()) void main();
